// disent-run: the command line entry point; everything else lives in lib/ (see docs/architecture.md).
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return disent::cli::run_cli(args, std::cout, std::cerr);
}
