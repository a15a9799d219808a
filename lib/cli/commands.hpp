#pragma once
// One class per CLI action: it declares its options on a CLI11 subcommand and runs.
#include <CLI/CLI.hpp>

#include <iosfwd>
#include <memory>
#include <vector>

namespace disent::cli {

class Command {
public:
    virtual ~Command() = default;
    virtual void attach(CLI::App& app) = 0;
    virtual int run(std::ostream& out, std::ostream& err) = 0;
    bool parsed() const { return sub_ && sub_->parsed(); }

protected:
    CLI::App* sub_ = nullptr;
};

// The `data` command group (created on first use); data subcommands attach below it.
CLI::App& data_group(CLI::App& app);

// `analyse` (lib/cli/cmd_analyse.cpp): the paper's analyses of a dataset or a trained run.
std::unique_ptr<Command> make_analyse_command();

// `data prepare|info|stats` (cmd_data.cpp): the prepared-dataset store and normalisation constants.
std::unique_ptr<Command> make_data_prepare_command();
std::unique_ptr<Command> make_data_info_command();
std::unique_ptr<Command> make_data_stats_command();

// Every command, in --help order. Commands in their own files declare their factory here.
std::vector<std::unique_ptr<Command>> make_commands();
std::unique_ptr<Command> make_evaluate_command();  // cmd_evaluate.cpp

// `sweep plan|run|submit|status|aggregate` (cmd_sweep.cpp).
std::unique_ptr<Command> make_sweep_command();

}  // namespace disent::cli
