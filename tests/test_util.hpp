#pragma once
// Helpers shared by the test executables: temporary directories and the shipped spec files.
#include <filesystem>
#include <random>
#include <string>

namespace disent::testing {

// A fresh directory under the system temp dir, removed when the object goes away.
class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = (std::filesystem::temp_directory_path() / ("disent-test-" + std::to_string(rd()) + std::to_string(rd()))).string();
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

inline std::string source_path(const std::string& rel) { return std::string(DISENT_SOURCE_DIR) + "/" + rel; }

}  // namespace disent::testing
