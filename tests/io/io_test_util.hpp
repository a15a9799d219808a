#pragma once
// Shared helpers for the io tests: a private temporary directory per test and a way to run snippets
// of Python/NumPy (skipped when /usr/bin/python3 with numpy is unavailable).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace disent::io::testing {

class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/disent_io_test_XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
        path_ = buf.data();
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    // Names of all entries in the directory (to check no temp files are left behind).
    std::vector<std::string> entries() const {
        std::vector<std::string> out;
        for (const auto& e : std::filesystem::directory_iterator(path_)) out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    std::string path_;
};

inline void write_raw(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_raw(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// True if /usr/bin/python3 can import all of `modules` (space separated, e.g. "numpy PIL").
inline bool python_has(const std::string& modules) {
    if (::access("/usr/bin/python3", X_OK) != 0) return false;
    std::string imports;
    std::istringstream in(modules);
    for (std::string m; in >> m;) imports += "import " + m + ";";
    std::string cmd = "/usr/bin/python3 -c '" + imports + "' >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

// Run `script` (Python source) with the given arguments; returns the exit code and fills `output`.
inline int run_python(const TempDir& dir, const std::string& script, const std::vector<std::string>& args,
                      std::string& output) {
    static int counter = 0;
    std::string script_path = dir.file("script" + std::to_string(counter++) + ".py");
    std::string out_path = script_path + ".out";
    write_raw(script_path, script);
    std::string cmd = "/usr/bin/python3 '" + script_path + "'";
    for (const auto& a : args) cmd += " '" + a + "'";
    cmd += " >'" + out_path + "' 2>&1";
    int rc = std::system(cmd.c_str());
    output = read_raw(out_path);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace disent::io::testing
