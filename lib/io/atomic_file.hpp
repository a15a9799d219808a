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

}  // namespace disent::io
