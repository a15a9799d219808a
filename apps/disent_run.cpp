// disent-run: the command line entry point; everything else lives in lib/ (see docs/architecture.md).
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "core/memory.hpp"

int main(int argc, char** argv) {
    disent::keep_freed_memory_for_reuse();  // before the first large allocation (docs/performance.md)
    std::vector<std::string> args(argv + 1, argv + argc);
    return disent::cli::run_cli(args, std::cout, std::cerr);
}
