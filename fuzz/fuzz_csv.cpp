// libFuzzer target: CSV tables (train.csv / metrics.csv are re-read on resume and by sweep tools).
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "io/csv_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        auto t = disent::io::CsvTable::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
        auto again = disent::io::CsvTable::parse(t.to_string(), "again.csv");  // what we write, we read back
        if (again.rows != t.rows || again.header != t.header) __builtin_trap();
    } catch (const disent::UserError&) {
    }
    return 0;
}
