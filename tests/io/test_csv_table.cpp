#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "core/error.hpp"
#include "io/csv_table.hpp"
#include "io_test_util.hpp"

using namespace disent;
using namespace disent::io;
using disent::io::testing::TempDir;

namespace {
std::string parse_error(const std::string& text) {
    try {
        CsvTable::parse(text, "m.csv");
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(CsvTable, WritesRfc4180Quoting) {
    CsvTable t({"name", "value", "note"});
    t.add_row({"plain", "1.5", ""});
    t.add_row({"with,comma", "say \"hi\"", "two\nlines"});
    t.add_row({" spaces kept ", "cr\r", "ünïcode"});
    EXPECT_EQ(t.to_string(),
              "name,value,note\n"
              "plain,1.5,\n"
              "\"with,comma\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
              " spaces kept ,\"cr\r\",ünïcode\n");
    CsvTable back = CsvTable::parse(t.to_string(), "x");
    EXPECT_EQ(back.header, t.header);
    EXPECT_EQ(back.rows, t.rows);
}

TEST(CsvTable, SaveAndLoadFile) {
    TempDir dir;
    CsvTable t({"step", "loss"});
    for (int i = 0; i < 100; ++i) t.add_row({std::to_string(i), format_double(1.0 / (i + 1))});
    t.save(dir.file("m.csv"));
    CsvTable back = CsvTable::load(dir.file("m.csv"));
    EXPECT_EQ(back.header, t.header);
    EXPECT_EQ(back.rows, t.rows);
    EXPECT_EQ(back.column("loss"), 1);
    EXPECT_EQ(back.column("nope"), -1);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"m.csv"});
    EXPECT_THROW(CsvTable::load(dir.file("missing.csv")), UserError);
}

TEST(CsvTable, SingleColumnWithEmptyValuesRoundTrips) {
    CsvTable t({"x"});
    t.add_row({""});
    t.add_row({"a"});
    t.add_row({""});
    CsvTable back = CsvTable::parse(t.to_string(), "x");
    EXPECT_EQ(back.rows, t.rows);
}

TEST(CsvTable, ParsesCrlfBomEmptyLinesAndMissingFinalNewline) {
    CsvTable t = CsvTable::parse(
        "\xEF\xBB\xBF"
        "a,b\r\n1,2\r\n\r\n\n\"3\r\n4\",\r\n5,6",
        "x");
    EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b"}));
    ASSERT_EQ(t.rows.size(), 3u);
    EXPECT_EQ(t.rows[0], (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(t.rows[1], (std::vector<std::string>{"3\r\n4", ""}));
    EXPECT_EQ(t.rows[2], (std::vector<std::string>{"5", "6"}));
    EXPECT_TRUE(CsvTable::parse("only,header\n", "x").rows.empty());
}

TEST(CsvTable, MalformedInputNamesFileAndLine) {
    EXPECT_EQ(parse_error("a,b\n1,2\n1,2,3\n"), "'m.csv' line 3: expected 2 columns, found 3");
    EXPECT_EQ(parse_error("a,b\n1\n"), "'m.csv' line 2: expected 2 columns, found 1");
    // Line numbers count the physical lines of multi-line quoted fields.
    EXPECT_EQ(parse_error("a,b\n\"x\ny\",1\n\n7\n"), "'m.csv' line 5: expected 2 columns, found 1");
    EXPECT_EQ(parse_error("a,b\n1,\"open\n"), "'m.csv' line 2: unterminated quoted field");
    EXPECT_EQ(parse_error("a,b\n1,x\"y\n"), "'m.csv' line 2: quote inside an unquoted field");
    EXPECT_EQ(parse_error("a,b\n\"1\"x,2\n"), "'m.csv' line 2: unexpected character after closing quote");
    EXPECT_EQ(parse_error("a,b\r1,2"), "'m.csv' line 1: carriage return not followed by a line feed");
    EXPECT_EQ(parse_error(""), "'m.csv' is empty; expected a CSV header line");
    EXPECT_EQ(parse_error("\n\n"), "'m.csv' is empty; expected a CSV header line");
    CsvTable t({"a", "b"});
    EXPECT_THROW(t.add_row({"1"}), std::invalid_argument);
}

TEST(FormatDouble, MatchesPythonRepr) {
    const std::pair<double, const char*> cases[] = {
        {0.1, "0.1"},
        {1e-05, "1e-05"},
        {0.0001, "0.0001"},
        {1.0, "1.0"},
        {100.0, "100.0"},
        {-2.5, "-2.5"},
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {0.30000000000000004, "0.30000000000000004"},
        {1e16, "1e+16"},
        {1234567890123456.0, "1234567890123456.0"},
        {9007199254740992.0, "9007199254740992.0"},
        {1e22, "1e+22"},
        {1.5e-07, "1.5e-07"},
        {123.456, "123.456"},
        {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {0.00012345, "0.00012345"},
        {3.0e-5, "3e-05"},
        {1.0 / 3.0, "0.3333333333333333"},
        {std::numeric_limits<double>::quiet_NaN(), "nan"},
        {std::numeric_limits<double>::infinity(), "inf"},
        {-std::numeric_limits<double>::infinity(), "-inf"},
    };
    for (const auto& [v, s] : cases) EXPECT_EQ(format_double(v), s);
}

TEST(FormatDouble, RoundTripsExactly) {
    std::mt19937_64 rng(5);
    for (int i = 0; i < 20000; ++i) {
        uint64_t bits = rng();
        double v;
        std::memcpy(&v, &bits, sizeof v);
        if (!std::isfinite(v)) continue;
        std::string s = format_double(v);
        EXPECT_EQ(std::strtod(s.c_str(), nullptr), v) << s;
    }
}

TEST(FormatDouble, AgreesWithPythonOnRandomValues) {
    if (::access("/usr/bin/python3", X_OK) != 0) GTEST_SKIP() << "python3 not available";
    TempDir dir;
    std::mt19937_64 rng(9);
    std::string hex, expect_ours;
    std::vector<double> values;
    for (int i = 0; i < 3000; ++i) {
        double v;
        switch (i % 3) {
            case 0: {  // arbitrary bit patterns
                uint64_t bits = rng();
                std::memcpy(&v, &bits, sizeof v);
                break;
            }
            case 1:  // typical metric values
                v = std::ldexp(static_cast<double>(rng() >> 11), -53) *
                    std::pow(10.0, static_cast<int>(rng() % 40) - 20);
                break;
            default:  // short decimals
                v = static_cast<double>(static_cast<int64_t>(rng() % 2000001) - 1000000) / std::pow(10.0, rng() % 12);
        }
        values.push_back(v);
        char buf[32];
        uint64_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        std::snprintf(buf, sizeof buf, "%016llx\n", static_cast<unsigned long long>(bits));
        hex += buf;
    }
    disent::io::testing::write_raw(dir.file("values.txt"), hex);
    const char* script = R"PY(
import sys, struct
for line in open(sys.argv[1]):
    print(repr(struct.unpack("<d", bytes.fromhex(line.strip())[::-1])[0]))
)PY";
    std::string out;
    ASSERT_EQ(disent::io::testing::run_python(dir, script, {dir.file("values.txt")}, out), 0) << out;
    std::istringstream lines(out);
    for (double v : values) {
        std::string py;
        ASSERT_TRUE(std::getline(lines, py));
        EXPECT_EQ(format_double(v), py);
    }
}
