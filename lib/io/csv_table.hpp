#pragma once
// CSV tables for metrics and sweep results (one row per step/run), readable by pandas and spreadsheets.
// Quoting follows RFC 4180: fields containing ',', '"', CR or LF are quoted and '"' is doubled.
#include <string>
#include <vector>

namespace disent::io {

class CsvTable {
public:
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;

    CsvTable() = default;
    explicit CsvTable(std::vector<std::string> header_) : header(std::move(header_)) {}

    // Parse a file whose first record is the header. Accepts LF or CRLF line ends, a UTF-8 BOM, quoted
    // fields spanning lines, and skips empty lines. UserError naming the file and line on a wrong
    // column count, a stray quote, an unterminated quoted field or an empty file.
    static CsvTable load(const std::string& path);
    static CsvTable parse(const std::string& text, const std::string& source_name);

    // Atomically write header + rows, '\n'-terminated (see atomic_file.hpp).
    void save(const std::string& path) const;
    std::string to_string() const;

    // Append a row; std::invalid_argument if its size differs from the header's.
    void add_row(std::vector<std::string> row);

    // Index of column `name`, or -1.
    int column(const std::string& name) const;
};

// Shortest text that reads back as exactly the same double, formatted like Python's repr():
// "0.1", "1.0", "1e-05", "1e+16", "-0.0", "nan", "inf", "-inf".
std::string format_double(double v);

}  // namespace disent::io
