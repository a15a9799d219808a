#pragma once
// The `disent-run` command line, callable in-process (tests run every action without spawning).
#include <iosfwd>
#include <string>
#include <vector>

namespace disent::cli {

// args excludes the program name. Returns the process exit code (docs/cli.md): 0 ok, 1 failure,
// 2 bad input (config, file or command line), 3 interrupted by a signal after writing a checkpoint.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace disent::cli
