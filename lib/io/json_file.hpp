#pragma once
// JSON files (run summaries, metric results, resolved configs): atomic writes so a crash never leaves
// half a summary, and reads that report the file name with the parse position.
#include <nlohmann/json.hpp>
#include <string>

namespace disent::io {

// Atomically write `j` pretty-printed with 2-space indent and a trailing newline. Invalid UTF-8 in
// strings is replaced (U+FFFD) rather than throwing; non-finite numbers are written as null.
void write_json_atomic(const std::string& path, const nlohmann::json& j);

// Parse a JSON file. UserError if it cannot be read or is not valid JSON (message names the file and
// the line/column from the parser).
nlohmann::json read_json(const std::string& path);

}  // namespace disent::io
