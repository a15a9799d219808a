#include "train/run_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "core/error.hpp"
#include "io/atomic_file.hpp"

namespace fs = std::filesystem;

namespace disent::train {

RunLock::RunLock(const std::string& run_dir) : root_(run_dir) {
    io::make_dirs(run_dir);
    const RunPaths p{run_dir};
    // every file the run writes, checked before any work (each write checks again)
    for (const std::string& f : {p.lock(), p.config(), p.train_csv(), p.metrics_csv(), p.summary(), p.last_checkpoint(),
                                 p.traversals_png()})
        io::check_write_path(f);
    const std::string path = p.lock();
    // O_NOFOLLOW: a .lock planted as a link would otherwise be truncated and written through
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ < 0) throw UserError("cannot lock run directory '" + run_dir + "': " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd_);
        fd_ = -1;
        throw UserError("run directory '" + run_dir + "' is in use by another disent-run process");
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
    // temporary files of a writer that was killed mid-write (io::write_file_atomic names them
    // ".<name>.tmp.<pid>.<n>"); nobody else writes here while we hold the lock
    std::error_code ec;
    for (const std::string& dir : {run_dir, p.checkpoints(), p.images()}) {
        if (!fs::is_directory(dir, ec)) continue;  // checkpoints/ and images/ are no links (checked above)
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const std::string name = entry.path().filename().string();
            if (name.size() > 1 && name[0] == '.' && name.find(".tmp.") != std::string::npos) fs::remove(entry.path(), ec);
        }
    }
}

RunLock::~RunLock() {
    if (fd_ >= 0) {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

void prepare_new_run_dir(const RunPaths& p, bool overwrite) {
    io::make_dirs(p.root);
    const bool has_run = fs::exists(p.config()) || fs::exists(p.checkpoints()) || fs::exists(p.summary());
    if (has_run && !overwrite)
        throw UserError("run directory '" + p.root + "' already holds a run; use `disent-run resume " + p.root +
                        "` to continue it, or --overwrite to replace it");
    if (has_run) {
        std::error_code ec;
        for (const std::string& f : {p.config(), p.train_csv(), p.metrics_csv(), p.summary()}) fs::remove(f, ec);
        fs::remove_all(p.checkpoints(), ec);
        fs::remove_all(p.images(), ec);
    }
    io::make_dirs(p.checkpoints());
    io::make_dirs(p.images());
}

std::string default_run_dir(const std::string& framework, const std::string& dataset) {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y%m%d-%H%M%S", &tm);
    return "runs/" + std::string(buf) + "_" + framework + "_" + dataset;
}

}  // namespace disent::train
