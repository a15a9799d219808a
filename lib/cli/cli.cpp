#include "cli/cli.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "core/error.hpp"

namespace disent::cli {

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CLI::App app{"disent-run: VAE disentanglement experiments (a C++/LibTorch re-implementation of disent)", "disent-run"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("disent-run ") + DISENT_VERSION);
    std::vector<std::unique_ptr<Command>> commands = make_commands();
    for (auto& c : commands) c->attach(app);

    std::vector<std::string> rev(args.rbegin(), args.rend());
    try {
        app.parse(rev);
    } catch (const CLI::CallForHelp&) {
        out << app.help();
        return 0;
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return 0;
    } catch (const CLI::CallForVersion&) {
        out << app.version() << "\n";
        return 0;
    } catch (const CLI::ParseError& e) {
        err << "error: " << e.what() << " (see `disent-run --help`)\n";
        return EXIT_USER_ERROR;
    }
    for (auto& c : commands) {
        if (!c->parsed()) continue;
        try {
            return c->run(out, err);
        } catch (const UserError& e) {
            err << "error: " << e.what() << "\n";
            return EXIT_USER_ERROR;
        } catch (const std::exception& e) {
            err << "error: " << e.what() << "\n";
            return EXIT_FAILURE_CODE;
        }
    }
    return EXIT_USER_ERROR;
}

}  // namespace disent::cli
