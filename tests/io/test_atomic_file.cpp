#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
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

// A run directory under a WriteRoot: links planted inside it (a directory link, a link in place of a
// file the run writes) are refused with one line naming the link; the outside target is untouched.
TEST(AtomicFile, WriteRootRefusesPlantedSymlinks) {
    namespace fs = std::filesystem;
    TempDir dir, elsewhere;
    const std::string run = dir.file("run");
    make_dirs(run + "/images");
    const std::string outside = elsewhere.file("precious.txt");
    write_file_atomic(outside, "keep me");
    fs::create_symlink(elsewhere.path(), run + "/checkpoints");    // checkpoints/ -> a directory outside
    fs::create_symlink(outside, run + "/images/x.png");            // images/x.png -> a file outside
    fs::create_symlink(outside, run + "/train.csv");               // train.csv -> a file outside
    WriteRoot root(run);
    auto refused = [&](const std::function<void()>& write, const std::string& path, const std::string& link) {
        try {
            write();
            ADD_FAILURE() << "no error writing " << path;
        } catch (const UserError& e) {
            EXPECT_EQ(std::string(e.what()), "refusing to write '" + path + "': '" + link + "' is a symbolic link inside '" + run +
                                                 "', which could send the write outside it; remove the link");
        }
    };
    refused([&] { write_file_atomic(run + "/checkpoints/last.pt", "weights"); }, run + "/checkpoints/last.pt", run + "/checkpoints");
    refused([&] { make_dirs(run + "/checkpoints/sub"); }, run + "/checkpoints/sub", run + "/checkpoints");
    refused([&] { write_file_atomic(run + "/images/x.png", "png"); }, run + "/images/x.png", run + "/images/x.png");
    refused([&] { write_file_atomic(run + "/train.csv", [&](const std::string& tmp) { std::ofstream(tmp) << "a,b\n"; }); },
            run + "/train.csv", run + "/train.csv");
    refused([&] { check_write_path(run + "/./checkpoints/../train.csv"); }, run + "/./checkpoints/../train.csv", run + "/train.csv");
    EXPECT_EQ(read_file(outside), "keep me");
    EXPECT_EQ(elsewhere.entries(), std::vector<std::string>{"precious.txt"});  // nothing written through checkpoints/
    // real files and directories below the root are written as before
    write_file_atomic(run + "/images/traversals.png", "png");
    make_dirs(run + "/images/more/deep");
    EXPECT_EQ(read_file(run + "/images/traversals.png"), "png");
}

TEST(AtomicFile, WriteRootAllowsALinkedRootAndEndsWithTheGuard) {
    namespace fs = std::filesystem;
    TempDir dir, scratch;
    fs::create_symlink(scratch.path(), dir.file("run"));  // --out pointing at scratch space: the root itself
    const std::string outside = dir.file("outside.txt");
    write_file_atomic(outside, "x");
    {
        WriteRoot root(dir.file("run"));
        write_file_atomic(dir.file("run/config.yaml"), "seed: 1\n");
        EXPECT_EQ(read_file(scratch.file("config.yaml")), "seed: 1\n");
        fs::create_symlink(outside, dir.file("run/summary.json"));
        EXPECT_THROW(write_file_atomic(dir.file("run/summary.json"), "{}"), UserError);
        // a sibling directory whose name starts with the root's is not below it
        make_dirs(dir.file("run2"));
        write_file_atomic(dir.file("run2/file"), "y");
    }
    // without a guard an atomic write replaces the link itself (rename), never its target
    write_file_atomic(dir.file("run/summary.json"), "{}");
    EXPECT_EQ(read_file(outside), "x");
    EXPECT_FALSE(fs::is_symlink(dir.file("run/summary.json")));
}
