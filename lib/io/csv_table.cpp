#include "io/csv_table.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/error.hpp"
#include "io/atomic_file.hpp"

namespace disent::io {

namespace {

// A field starting with a UTF-8 byte order mark is quoted too: at the start of a file the reader would
// take the mark for Excel's and drop it (found by fuzz_csv).
bool needs_quotes(const std::string& f) {
    return f.find_first_of(",\"\r\n") != std::string::npos || f.compare(0, 3, "\xEF\xBB\xBF") == 0;
}

void append_field(std::string& out, const std::string& f) {
    if (!needs_quotes(f)) {
        out += f;
        return;
    }
    out.push_back('"');
    for (char c : f) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

void append_record(std::string& out, const std::vector<std::string>& rec) {
    // A lone empty field would be an empty line, which the reader skips; quote it to keep the row.
    if (rec.size() == 1 && rec[0].empty()) {
        out += "\"\"\n";
        return;
    }
    for (size_t i = 0; i < rec.size(); ++i) {
        if (i) out.push_back(',');
        append_field(out, rec[i]);
    }
    out.push_back('\n');
}

}  // namespace

CsvTable CsvTable::parse(const std::string& text, const std::string& source_name) {
    auto fail = [&](size_t line, const std::string& why) -> UserError {
        return UserError("'" + source_name + "' line " + std::to_string(line) + ": " + why);
    };
    size_t pos = 0, line = 1;
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;  // UTF-8 byte order mark (Excel)

    CsvTable table;
    bool have_header = false;
    const size_t n = text.size();
    while (pos < n) {
        // Skip empty lines between records.
        if (text[pos] == '\n' || (text[pos] == '\r' && pos + 1 < n && text[pos + 1] == '\n')) {
            pos += text[pos] == '\r' ? 2 : 1;
            ++line;
            continue;
        }
        const size_t record_line = line;
        std::vector<std::string> rec;
        for (;;) {  // one field per iteration
            std::string field;
            if (pos < n && text[pos] == '"') {
                const size_t quote_line = line;
                ++pos;
                for (;;) {
                    if (pos >= n) throw fail(quote_line, "unterminated quoted field");
                    char c = text[pos++];
                    if (c == '"') {
                        if (pos < n && text[pos] == '"') {
                            field.push_back('"');
                            ++pos;
                            continue;
                        }
                        break;
                    }
                    if (c == '\n') ++line;
                    field.push_back(c);
                }
                if (pos < n && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
                    throw fail(line, "unexpected character after closing quote");
                }
            } else {
                while (pos < n && text[pos] != ',' && text[pos] != '\n' && text[pos] != '\r') {
                    if (text[pos] == '"') throw fail(line, "quote inside an unquoted field");
                    field.push_back(text[pos++]);
                }
            }
            rec.push_back(std::move(field));
            if (pos < n && text[pos] == ',') {
                ++pos;
                continue;
            }
            // End of record: LF, CRLF, or end of text. A bare CR is not a line end in RFC 4180.
            if (pos < n && text[pos] == '\r') {
                if (pos + 1 < n && text[pos + 1] == '\n') {
                    pos += 2;
                } else {
                    throw fail(line, "carriage return not followed by a line feed");
                }
                ++line;
            } else if (pos < n) {  // '\n'
                ++pos;
                ++line;
            }
            break;
        }
        if (!have_header) {
            table.header = std::move(rec);
            have_header = true;
        } else {
            if (rec.size() != table.header.size()) {
                throw fail(record_line, "expected " + std::to_string(table.header.size()) + " columns, found " +
                                            std::to_string(rec.size()));
            }
            table.rows.push_back(std::move(rec));
        }
    }
    if (!have_header) throw UserError("'" + source_name + "' is empty; expected a CSV header line");
    return table;
}

CsvTable CsvTable::load(const std::string& path) { return parse(read_file(path), path); }

std::string CsvTable::to_string() const {
    std::string out;
    append_record(out, header);
    for (const auto& r : rows) append_record(out, r);
    return out;
}

void CsvTable::save(const std::string& path) const {
    if (header.empty()) throw std::invalid_argument("CsvTable::save: table has no header");
    write_file_atomic(path, to_string());
}

void CsvTable::add_row(std::vector<std::string> row) {
    if (row.size() != header.size()) {
        throw std::invalid_argument("CsvTable::add_row: row has " + std::to_string(row.size()) +
                                    " fields; header has " + std::to_string(header.size()));
    }
    rows.push_back(std::move(row));
}

int CsvTable::column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return static_cast<int>(i);
    return -1;
}

std::string format_double(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    // Shortest round-trip digits in scientific form, e.g. "1.2345e-05", then laid out by Python's
    // repr rules: positional when -4 <= exponent < 16, otherwise scientific with a 2+ digit exponent.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string s(buf, res.ptr);
    std::string sign;
    if (!s.empty() && s[0] == '-') {
        sign = "-";
        s.erase(0, 1);
    }
    size_t e = s.find('e');
    std::string mant = s.substr(0, e);
    int exp10 = std::stoi(s.substr(e + 1));
    std::string digits;
    for (char c : mant)
        if (c != '.') digits.push_back(c);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    const int nd = static_cast<int>(digits.size());

    if (exp10 < -4 || exp10 >= 16) {
        std::string out = sign + digits.substr(0, 1);
        if (nd > 1) out += "." + digits.substr(1);
        std::string ex = std::to_string(std::abs(exp10));
        if (ex.size() < 2) ex = "0" + ex;
        return out + "e" + (exp10 < 0 ? "-" : "+") + ex;
    }
    const int point = exp10 + 1;  // digits before the decimal point
    if (point <= 0) return sign + "0." + std::string(static_cast<size_t>(-point), '0') + digits;
    if (point >= nd) return sign + digits + std::string(static_cast<size_t>(point - nd), '0') + ".0";
    return sign + digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
}

}  // namespace disent::io
