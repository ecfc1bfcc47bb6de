// SPDX-License-Identifier: GPL-3.0-or-later
// The backstop behind precheckYaml: a text yaml-cpp never finishes costs a helper process, not the
// daemon; and starting that helper costs the caller's other threads nothing (no fork).
#include "session/YamlTrial.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <pthread.h>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using backline::session::tryYamlInChild;
using backline::session::YamlTrial;
using namespace std::chrono_literals;

namespace {

std::string regression(const std::string& name)
{
    std::ifstream in(std::filesystem::path(BACKLINE_SOURCE_DIR) / "tests/fuzz/regressions/session" / name,
        std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

/// Minor page faults a thread of this process has taken (field 10 of /proc/self/task/TID/stat).
long minorFaults(pid_t tid)
{
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    std::istringstream fields(stat.substr(stat.rfind(')') + 2)); // the name may hold spaces
    std::string field;
    for (int i = 3; i <= 10 && fields >> field; ++i) {
    }
    return std::stol(field);
}

/// A thread that writes one byte into every page of a 4 MB buffer, over and over, as the audio
/// thread writes its buffers every period: a fork of the process leaves each page copy-on-write,
/// so its next write to each page is a page fault.
class PageWriter {
public:
    static constexpr std::size_t pages = 1024;

    PageWriter()
    {
        const std::size_t page = std::size_t(sysconf(_SC_PAGESIZE));
        bytes_ = pages * page;
        buffer_ = static_cast<char*>(mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        // Small pages: a transparent huge page would take one fault for 512 pages.
        madvise(buffer_, bytes_, MADV_NOHUGEPAGE);
        thread_ = std::thread([this, page] {
            tid_.store(gettid());
            while (!stop_.load(std::memory_order_relaxed)) {
                for (std::size_t p = 0; p < pages; ++p)
                    buffer_[p * page] = char(passes_.load(std::memory_order_relaxed));
                passes_.fetch_add(1, std::memory_order_release);
            }
        });
        while (tid_.load() == 0)
            std::this_thread::yield();
        waitForPasses();
    }

    ~PageWriter()
    {
        stop_ = true;
        thread_.join();
        munmap(buffer_, bytes_);
    }

    /// Waits until the writer has gone over every page again since the call (two passes: the
    /// one under way may have started before).
    void waitForPasses()
    {
        const auto from = passes_.load(std::memory_order_acquire);
        while (passes_.load(std::memory_order_acquire) < from + 2)
            std::this_thread::sleep_for(100us);
    }

    long faults() const { return minorFaults(tid_.load()); }

private:
    char* buffer_ = nullptr;
    std::size_t bytes_ = 0;
    std::atomic<pid_t> tid_ {0};
    std::atomic<bool> stop_ {false};
    std::atomic<std::uint64_t> passes_ {0};
    std::thread thread_;
};

std::atomic<int> forks {0};

} // namespace

TEST(YamlTrial, TheHelperIsFoundInTheBuildTree)
{
    ASSERT_TRUE(backline::session::yamlTrialHelper());
    EXPECT_EQ(backline::session::yamlTrialHelper()->filename(), "backline-yaml-trial");
}

TEST(YamlTrial, AGoodTextParsesAndABadOneThrows)
{
    EXPECT_EQ(tryYamlInChild("backline: 1\ntracks:\n  - name: a\n"), YamlTrial::Parses);
    EXPECT_EQ(tryYamlInChild("a: [1, 2\n"), YamlTrial::Throws);
    EXPECT_EQ(tryYamlInChild(""), YamlTrial::Parses);
    // Larger than a pipe holds: the helper reads it whole.
    std::string big = "backline: 1\ntracks:\n";
    while (big.size() < 200000)
        big += "  - {name: t" + std::to_string(big.size()) + ", gain: -6}\n";
    EXPECT_EQ(tryYamlInChild(big), YamlTrial::Parses);
}

TEST(YamlTrial, TextsYamlCppNeverFinishesAreCutOffAtTheLimit)
{
    // Inputs the fuzzer found, which precheckYaml refuses first; here yaml-cpp gets them raw.
    for (const char* name : {"leading-comma-yaml-cpp-runaway", "anchor-cr-comma-yaml-cpp-runaway",
             "flow-hash-comment-tag-yaml-cpp-runaway"}) {
        const std::string text = regression(name);
        ASSERT_FALSE(text.empty()) << name;
        const auto start = std::chrono::steady_clock::now();
        EXPECT_EQ(tryYamlInChild(text, 300ms), YamlTrial::RunsAway) << name;
        EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << name << ": the child was stopped";
    }
}

// The cause of issue 16's xruns at every reload, measured where it lands: a fork of the process
// makes every page another thread writes copy-on-write, a page fault each (in the daemon the
// audio thread takes them, and waits behind the fork's page-table copy for the first). A trial
// must cost that thread none. Page faults do not depend on how busy the machine is, so neither
// does this test; the check that the count would see a fork is part of it.
TEST(YamlTrial, ATrialCostsAThreadWritingMemoryNoPageFaultWhereAForkCostsOneAPage)
{
    PageWriter writer;
    const long before = writer.faults();
    for (int i = 0; i < 10; ++i) {
        ASSERT_EQ(tryYamlInChild(i % 2 ? "a: [1, 2\n" : "backline: 1\n"), i % 2 ? YamlTrial::Throws : YamlTrial::Parses);
        writer.waitForPasses();
    }
    const long trials = writer.faults() - before;
    EXPECT_LE(trials, 8) << "page faults of a writing thread over 10 trials";

    const pid_t child = fork();
    if (child == 0)
        _exit(0);
    ASSERT_GT(child, 0);
    int status = 0;
    waitpid(child, &status, 0);
    writer.waitForPasses();
    const long forked = writer.faults() - before - trials;
    EXPECT_GE(forked, long(PageWriter::pages)) << "the count must see a fork (one fault per page written)";
    RecordProperty("faults_over_10_trials", int(trials));
    RecordProperty("faults_after_one_fork", int(forked));
}

TEST(YamlTrial, TheTrialNeverForksTheCaller)
{
    // fork() runs the atfork handlers in the parent; posix_spawn does not fork.
    static std::once_flag once;
    std::call_once(once, [] { pthread_atfork([] { forks.fetch_add(1); }, nullptr, nullptr); });
    const int before = forks.load();
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(tryYamlInChild("backline: 1\n"), YamlTrial::Parses);
    EXPECT_EQ(forks.load(), before);
    const pid_t child = fork(); // the check that the handler counts
    if (child == 0)
        _exit(0);
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_EQ(forks.load(), before + 1);
}
