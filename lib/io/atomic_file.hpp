#pragma once
// Crash-safe file output. Every artefact a run writes (checkpoints, figures, tables, summaries) goes
// through here so that a killed process or a full disk never leaves a half-written file behind: the
// bytes go to a temporary file in the same directory, which is fsync'ed and then renamed over the
// target (rename within one filesystem is atomic), so readers see either the old or the new file.
#include <functional>
#include <string>

namespace disent::io {

// Atomically replace `path` with `bytes`. On failure (ENOSPC, EFBIG, EACCES, missing directory...)
// the temporary file is removed, the old target is left untouched and
// UserError("cannot write '<path>': <strerror>") is thrown.
void write_file_atomic(const std::string& path, const std::string& bytes);

// Same, for libraries that insist on writing a file by name themselves (libzip, libpng...):
// `writer` must create and fill `tmp_path`; it is then fsync'ed and renamed over `path`.
// If `writer` throws, the temporary file is removed and the exception propagates unchanged.
void write_file_atomic(const std::string& path, const std::function<void(const std::string& tmp_path)>& writer);

// Whole file contents. UserError("cannot read '<path>': <reason>") if missing, unreadable or not a
// regular file.
std::string read_file(const std::string& path);

// mkdir -p. UserError if a component exists and is not a directory, or creation is not permitted.
void make_dirs(const std::string& path);

// A directory whose contents belong to this process while the guard lives (a run directory under its
// lock, a sweep directory). Every write through this module below it (write_file_atomic, make_dirs,
// check_write_path) refuses to pass through a symbolic link at any component below the root, so that
// a link planted in it (checkpoints/ -> elsewhere, train.csv -> a file outside) never redirects a write
// out of it. The root itself may be a link (e.g. --out pointing at scratch space); above it nothing is
// checked. Guards nest and may be used from several threads.
class WriteRoot {
public:
    explicit WriteRoot(const std::string& dir);
    ~WriteRoot();
    WriteRoot(const WriteRoot&) = delete;
    WriteRoot& operator=(const WriteRoot&) = delete;

private:
    std::string root_;  // absolute, normalised
};

// UserError("refusing to write '<path>': '<link>' is a symbolic link inside '<root>' ...") when `path`
// lies below a WriteRoot and one of its components below the root (the file itself included) is a
// symbolic link. For writers outside this module (append-mode logs); the functions above call it.
void check_write_path(const std::string& path);

}  // namespace disent::io
