#include <gtest/gtest.h>

#include <limits>

#include "core/error.hpp"
#include "io/json_file.hpp"
#include "io_test_util.hpp"

using namespace disent;
using namespace disent::io;
using disent::io::testing::TempDir;

TEST(JsonFile, WritesPrettyWithTrailingNewlineAndReadsBack) {
    TempDir dir;
    nlohmann::json j = {{"b", 1}, {"a", {1.5, "x"}}, {"nested", {{"k", true}}}};
    write_json_atomic(dir.file("s.json"), j);
    EXPECT_EQ(disent::io::testing::read_raw(dir.file("s.json")),
              "{\n  \"a\": [\n    1.5,\n    \"x\"\n  ],\n  \"b\": 1,\n  \"nested\": {\n    \"k\": true\n  }\n}\n");
    EXPECT_EQ(read_json(dir.file("s.json")), j);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"s.json"});
}

TEST(JsonFile, NeverThrowsOnOddValues) {
    TempDir dir;
    nlohmann::json j = {{"bad_utf8", std::string("a\xff"
                                                 "b")},
                        {"nan", std::numeric_limits<double>::quiet_NaN()}};
    write_json_atomic(dir.file("odd.json"), j);
    nlohmann::json back = read_json(dir.file("odd.json"));
    EXPECT_TRUE(back["nan"].is_null());
    EXPECT_EQ(back["bad_utf8"],
              "a\xEF\xBF\xBD"
              "b");
}

TEST(JsonFile, ErrorsNameTheFile) {
    TempDir dir;
    disent::io::testing::write_raw(dir.file("broken.json"), "{\n  \"a\": 1,\n  oops\n}\n");
    try {
        read_json(dir.file("broken.json"));
        FAIL();
    } catch (const UserError& e) {
        std::string msg = e.what();
        EXPECT_EQ(msg.rfind("cannot parse JSON '" + dir.file("broken.json") + "': ", 0), 0u) << msg;
        EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
    }
    EXPECT_THROW(read_json(dir.file("missing.json")), UserError);
}
