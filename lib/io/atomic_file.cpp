#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <vector>

#include "core/error.hpp"
#include "core/printable.hpp"

namespace disent::io {
namespace fs = std::filesystem;

namespace {

std::mutex& roots_mutex() {
    static std::mutex m;
    return m;
}
std::vector<std::string>& write_roots() {
    static std::vector<std::string> roots;
    return roots;
}

std::string absolute_normal(const std::string& path) {
    std::error_code ec;
    fs::path p = fs::absolute(path, ec);
    if (ec) p = path;
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

[[noreturn]] void fail_write(const std::string& path, int err) {
    throw UserError("cannot write '" + path + "': " + std::strerror(err));
}

// Split `path` into the directory to fsync and the temporary file name next to the target.
// Unique per process and call, so concurrent writers (threads or processes) never share a temp file.
struct TempName {
    std::string dir;  // "." for a bare file name
    std::string tmp;
};

TempName temp_name_for(const std::string& path) {
    static std::atomic<unsigned long> counter{0};
    fs::path p(path);
    std::string name = p.filename().string();
    if (name.empty() || name == "." || name == "..") {
        throw UserError("cannot write '" + path + "': not a file path");
    }
    fs::path parent = p.parent_path();
    std::string tmp_name = "." + name + ".tmp." + std::to_string(static_cast<long>(::getpid())) + "." +
                           std::to_string(counter.fetch_add(1));
    TempName t;
    t.dir = parent.empty() ? std::string(".") : parent.string();
    t.tmp = parent.empty() ? tmp_name : (parent / tmp_name).string();
    return t;
}

// Write all of `data`, retrying on EINTR and short writes (a short write is how EFBIG/ENOSPC first
// show up: the next write then reports the error). Returns 0 or an errno value.
int write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return EIO;
        data += n;
        size -= static_cast<size_t>(n);
    }
    return 0;
}

int fsync_path(const std::string& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int rc = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return rc;
}

// Make the rename itself durable. Best effort: some filesystems refuse fsync on directories (EINVAL),
// and by now the new content is already in place, so failing here would misreport the outcome.
void fsync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

// rename(2) the finished temp file over the target, cleaning up on failure.
void commit(const std::string& path, const TempName& t) {
    if (::rename(t.tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(t.tmp.c_str());
        fail_write(path, err);
    }
    fsync_dir(t.dir);
}

}  // namespace

WriteRoot::WriteRoot(const std::string& dir) : root_(absolute_normal(dir)) {
    std::lock_guard<std::mutex> g(roots_mutex());
    write_roots().push_back(root_);
}

WriteRoot::~WriteRoot() {
    std::lock_guard<std::mutex> g(roots_mutex());
    auto& roots = write_roots();
    if (auto it = std::find(roots.begin(), roots.end(), root_); it != roots.end()) roots.erase(it);
}

void check_write_path(const std::string& path) {
    std::vector<std::string> roots;
    {
        std::lock_guard<std::mutex> g(roots_mutex());
        roots = write_roots();
    }
    if (roots.empty()) return;
    const std::string target = absolute_normal(path);
    for (const auto& root : roots) {
        if (target.size() <= root.size() || target.compare(0, root.size(), root) != 0 ||
            (target[root.size()] != '/' && root != "/"))
            continue;
        // walk down from the root: every existing component must be what it looks like, not a link
        std::string cur = root;
        for (const auto& part : fs::path(target.substr(root.size())).relative_path()) {
            cur += (cur == "/" ? "" : "/") + part.string();
            struct stat st {};
            if (::lstat(cur.c_str(), &st) != 0) break;  // the rest does not exist yet: we create it
            if (S_ISLNK(st.st_mode))
                throw UserError("refusing to write '" + printable(path) + "': '" + printable(cur) + "' is a symbolic link inside '" +
                                printable(root) + "', which could send the write outside it; remove the link");
        }
    }
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
    check_write_path(path);
    TempName t = temp_name_for(path);
    // O_EXCL: never follow or clobber something that already sits at the temp name.
    int fd = ::open(t.tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) fail_write(path, errno);
    int err = write_all(fd, bytes.data(), bytes.size());
    if (err == 0 && ::fsync(fd) != 0) err = errno;
    // close() can report deferred write errors (NFS, quota), so it is checked too.
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err != 0) {
        ::unlink(t.tmp.c_str());
        fail_write(path, err);
    }
    commit(path, t);
}

void write_file_atomic(const std::string& path, const std::function<void(const std::string& tmp_path)>& writer) {
    check_write_path(path);
    TempName t = temp_name_for(path);
    try {
        writer(t.tmp);
    } catch (...) {
        ::unlink(t.tmp.c_str());
        throw;
    }
    struct stat st {};
    if (::stat(t.tmp.c_str(), &st) != 0) {
        int err = errno;
        fail_write(path, err);  // the writer produced nothing
    }
    if (int err = fsync_path(t.tmp); err != 0) {
        ::unlink(t.tmp.c_str());
        fail_write(path, err);
    }
    commit(path, t);
}

std::string read_file(const std::string& path) {
    auto fail = [&](const std::string& why) -> UserError { return UserError("cannot read '" + path + "': " + why); };
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw fail(std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        throw fail(std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw fail(S_ISDIR(st.st_mode) ? "is a directory, expected a file" : "not a regular file");
    }
    std::string out;
    out.reserve(static_cast<size_t>(st.st_size));
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            throw fail(std::strerror(err));
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

void make_dirs(const std::string& path) {
    if (path.empty()) return;
    check_write_path(path);
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) throw UserError("cannot create directory '" + path + "': " + ec.message());
    // create_directories reports success when the final component is an existing non-directory.
    if (!fs::is_directory(path, ec)) {
        throw UserError("cannot create directory '" + path + "': exists and is not a directory");
    }
}

}  // namespace disent::io
