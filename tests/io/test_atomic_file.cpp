#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include "core/error.hpp"
#include "io/atomic_file.hpp"
#include "io_test_util.hpp"

using namespace disent;
using namespace disent::io;
using disent::io::testing::TempDir;

TEST(AtomicFile, WritesAndReplacesWithoutLeavingTempFiles) {
    TempDir dir;
    const std::string target = dir.file("out.bin");
    std::string binary("a\0b\xff\n", 5);
    write_file_atomic(target, binary);
    EXPECT_EQ(read_file(target), binary);
    write_file_atomic(target, "second version");
    EXPECT_EQ(read_file(target), "second version");
    write_file_atomic(target, "");
    EXPECT_EQ(read_file(target), "");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.bin"});
}

TEST(AtomicFile, LargeContentRoundTrips) {
    TempDir dir;
    std::string big(3 * 1024 * 1024 + 17, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
    write_file_atomic(dir.file("big"), big);
    EXPECT_EQ(read_file(dir.file("big")), big);
}

TEST(AtomicFile, RelativePathInCurrentDirectory) {
    TempDir dir;
    auto old = std::filesystem::current_path();
    std::filesystem::current_path(dir.path());
    try {
        write_file_atomic("rel.txt", "hello");
        EXPECT_EQ(read_file("rel.txt"), "hello");
    } catch (...) {
        std::filesystem::current_path(old);
        throw;
    }
    std::filesystem::current_path(old);
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"rel.txt"});
}

TEST(AtomicFile, MissingDirectoryIsUserError) {
    TempDir dir;
    const std::string target = dir.file("nope/out.txt");
    try {
        write_file_atomic(target, "x");
        FAIL() << "expected UserError";
    } catch (const UserError& e) {
        EXPECT_EQ(std::string(e.what()), "cannot write '" + target + "': No such file or directory");
    }
    EXPECT_THROW(write_file_atomic(dir.path() + "/", "x"), UserError);  // no file name
}

// A failing write (here EFBIG from RLIMIT_FSIZE, standing in for ENOSPC) must leave the previous file
// intact and remove its temporary file. Runs in a forked child so the limit does not affect the test.
TEST(AtomicFile, FailedWriteKeepsOldFileAndRemovesTemp) {
    TempDir dir;
    const std::string target = dir.file("state.json");
    write_file_atomic(target, "old content");

    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::signal(SIGXFSZ, SIG_IGN);  // make write() fail with EFBIG instead of killing us
        struct rlimit lim {
            4096, 4096
        };
        if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(10);
        try {
            write_file_atomic(target, std::string(100000, 'n'));
        } catch (const UserError& e) {
            std::string msg = e.what();
            bool ok = msg == "cannot write '" + target + "': File too large";
            ::_exit(ok ? 0 : 11);
        } catch (...) {
            ::_exit(12);
        }
        ::_exit(13);  // no exception: wrong
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "child exit code (11: wrong message, 13: no error raised)";
    EXPECT_EQ(read_file(target), "old content");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"state.json"});
}

TEST(AtomicFile, WriterCallbackCommitsItsTempFile) {
    TempDir dir;
    const std::string target = dir.file("lib.out");
    std::string seen_tmp;
    write_file_atomic(target, [&](const std::string& tmp) {
        seen_tmp = tmp;
        disent::io::testing::write_raw(tmp, "from library");
    });
    EXPECT_EQ(read_file(target), "from library");
    // Temp file sits next to the target, hidden, unique per process.
    std::string tmp_name = std::filesystem::path(seen_tmp).filename().string();
    EXPECT_EQ(std::filesystem::path(seen_tmp).parent_path(), std::filesystem::path(dir.path()));
    EXPECT_EQ(tmp_name.rfind(".lib.out.tmp." + std::to_string(::getpid()) + ".", 0), 0u) << tmp_name;
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"lib.out"});
}

TEST(AtomicFile, WriterCallbackFailureKeepsOldFile) {
    TempDir dir;
    const std::string target = dir.file("lib.out");
    write_file_atomic(target, "old");
    EXPECT_THROW(write_file_atomic(target,
                                   [&](const std::string& tmp) {
                                       disent::io::testing::write_raw(tmp, "partial");
                                       throw std::runtime_error("library failed");
                                   }),
                 std::runtime_error);
    EXPECT_EQ(read_file(target), "old");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"lib.out"});
    // A writer that produces no file is an error too.
    EXPECT_THROW(write_file_atomic(target, [](const std::string&) {}), UserError);
    EXPECT_EQ(read_file(target), "old");
}

TEST(AtomicFile, ConcurrentWritersUseDistinctTempFiles) {
    TempDir dir;
    const std::string target = dir.file("shared");
    std::vector<std::thread> threads;
    std::vector<std::string> contents;
    for (int t = 0; t < 4; ++t) contents.push_back(std::string(50000, static_cast<char>('a' + t)));
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) write_file_atomic(target, contents[t]);
        });
    }
    for (auto& th : threads) th.join();
    std::string final_content = read_file(target);
    EXPECT_NE(std::find(contents.begin(), contents.end(), final_content), contents.end());
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"shared"});
}

TEST(AtomicFile, ReadFileErrors) {
    TempDir dir;
    const std::string missing = dir.file("missing.txt");
    try {
        read_file(missing);
        FAIL();
    } catch (const UserError& e) {
        EXPECT_EQ(std::string(e.what()), "cannot read '" + missing + "': No such file or directory");
    }
    try {
        read_file(dir.path());
        FAIL();
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
    }
}

TEST(AtomicFile, MakeDirs) {
    TempDir dir;
    const std::string nested = dir.file("a/b/c");
    make_dirs(nested);
    EXPECT_TRUE(std::filesystem::is_directory(nested));
    make_dirs(nested);  // existing: fine
    make_dirs("");      // no-op
    write_file_atomic(dir.file("a/file"), "x");
    EXPECT_THROW(make_dirs(dir.file("a/file")), UserError);
    EXPECT_THROW(make_dirs(dir.file("a/file/sub")), UserError);
}
