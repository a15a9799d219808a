#pragma once
// Error types shared by every component. A UserError is bad input (config, file, CLI): the binary prints
// its one-line message and exits with code 2 before doing any work. Anything else is an internal failure.
#include <stdexcept>
#include <string>

namespace disent {

struct UserError : std::runtime_error {
    explicit UserError(const std::string& msg) : std::runtime_error(msg) {}
};

// Exit codes documented in docs/cli.md.
enum ExitCode : int {
    EXIT_OK_CODE = 0,
    EXIT_FAILURE_CODE = 1,
    EXIT_USER_ERROR = 2,
    EXIT_INTERRUPTED = 3,  // a signal asked the run to stop; a final checkpoint was written
};

}  // namespace disent
