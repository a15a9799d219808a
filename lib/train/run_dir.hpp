#pragma once
// A run directory: its file layout, an exclusive lock (two processes never train into one run), and the
// rule that an existing run is only replaced with --overwrite.
#include <string>

#include "io/atomic_file.hpp"

namespace disent::train {

struct RunPaths {
    std::string root;
    std::string config() const { return root + "/config.yaml"; }
    std::string train_csv() const { return root + "/train.csv"; }
    std::string metrics_csv() const { return root + "/metrics.csv"; }
    std::string summary() const { return root + "/summary.json"; }
    std::string checkpoints() const { return root + "/checkpoints"; }
    std::string last_checkpoint() const { return root + "/checkpoints/last.pt"; }
    std::string images() const { return root + "/images"; }
    std::string traversals_png() const { return root + "/images/traversals.png"; }
    std::string lock() const { return root + "/.lock"; }
};

// Holds the run's lock for its lifetime (flock, released by the OS even on kill -9). While it is held the
// run directory is an io::WriteRoot: no write into it passes through a symbolic link planted in it. The
// lock refuses up front (UserError naming the link) a run directory whose .lock, config.yaml, train.csv,
// metrics.csv, summary.json, checkpoints/, checkpoints/last.pt, images/ or images/traversals.png is a
// symbolic link.
class RunLock {
public:
    explicit RunLock(const std::string& run_dir);
    ~RunLock();
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

private:
    io::WriteRoot root_;
    int fd_ = -1;
};

// Prepares a directory for a new run: creates it; if it already holds a run, refuses unless `overwrite`,
// in which case the previous run's files are removed.
void prepare_new_run_dir(const RunPaths& paths, bool overwrite);

// A default run directory name: runs/<YYYYmmdd-HHMMSS>_<framework>_<dataset>.
std::string default_run_dir(const std::string& framework, const std::string& dataset);

}  // namespace disent::train
