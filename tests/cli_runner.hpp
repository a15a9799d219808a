#pragma once
// Runs a `disent-run` command line in-process (cli::run_cli) and captures its exit code and output:
// how every CLI test exercises an action without spawning a process.
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace disent::testing {

struct CliResult {
    int code;
    std::string out, err;
};

inline CliResult run_cli_captured(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    const int code = cli::run_cli(args, out, err);
    return {code, out.str(), err.str()};
}

}  // namespace disent::testing
