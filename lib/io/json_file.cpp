#include "io/json_file.hpp"

#include "core/error.hpp"
#include "io/atomic_file.hpp"

namespace disent::io {

void write_json_atomic(const std::string& path, const nlohmann::json& j) {
    write_file_atomic(path, j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

nlohmann::json read_json(const std::string& path) {
    std::string text = read_file(path);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw UserError("cannot parse JSON '" + path + "': " + e.what());
    }
}

}  // namespace disent::io
