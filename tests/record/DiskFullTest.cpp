// SPDX-License-Identifier: GPL-3.0-or-later
#include "RecordHarness.h"

#include "record/Recorder.h"
#include "record/TakeManifest.h"

#include <gtest/gtest.h>

#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <mutex>

using namespace backline;
using namespace backline::record;
using backline::test::Feeder;
using backline::test::TempDir;
using backline::test::waitFor;

namespace {

constexpr int rate = 48000;

RecordSettings smallDiskSettings(const std::filesystem::path& folder)
{
    RecordSettings s;
    s.folder = folder;
    s.format = FileFormat::Rf64;
    s.bits = SampleBits::Float32;
    s.sampleRate = rate;
    s.minFreeMb = 1;
    return s;
}

const std::vector<SourceSpec> sourceSpecs {{"track/a/input", 1}, {"track/b/input", 1}, {"bus/verb", 1}, {"master", 2}};

/// A tmpfs of a few MB mounted for one test (needs root; the test skips without it).
class SmallDisk {
public:
    SmallDisk(const std::filesystem::path& at, const char* size)
        : at_(at)
    {
        std::filesystem::create_directories(at);
        mounted_ = ::mount("tmpfs", at.c_str(), "tmpfs", 0, (std::string("size=") + size).c_str()) == 0;
    }
    ~SmallDisk()
    {
        if (mounted_)
            ::umount2(at_.c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }

private:
    std::filesystem::path at_;
    bool mounted_ = false;
};

struct Events {
    std::mutex m;
    std::vector<RecordEvent> list;
    bool has(RecordEvent::Kind k)
    {
        std::lock_guard lock(m);
        return std::any_of(list.begin(), list.end(), [&](const RecordEvent& e) { return e.kind == k; });
    }
};

/// Checks what a take closed by a failed write holds: files open, hold the right audio.
void expectCleanlyClosedAfterFailure(const std::filesystem::path& take)
{
    auto m = readManifest(take / "take.yaml");
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_TRUE(m->complete);
    EXPECT_EQ(m->ended, "write_failed");
    EXPECT_FALSE(m->error.empty());
    for (std::size_t s = 0; s < m->sources.size(); ++s) {
        const auto file = test::readAudio(take / m->sources[s].files.at(0));
        ASSERT_TRUE(file.opened) << file.error;
        EXPECT_GT(file.frames, std::uint64_t(rate / 4)) << m->sources[s].id;
        EXPECT_EQ(test::compareWithKnown(file, s, m->startCaptureFrame, rate, 0.0f), "") << m->sources[s].id;
    }
    EXPECT_FALSE(std::filesystem::exists(take / ".space-reserve"));
}

} // namespace

TEST(RecorderDiskFull, AFullDiskClosesEveryFileWithWhatWasWrittenAndTheRecorderStaysUsable)
{
    TempDir dir;
    SmallDisk disk(dir.path() / "small", "3m");
    if (!disk.mounted())
        GTEST_SKIP() << "cannot mount a tmpfs here (not root?); the RLIMIT_FSIZE test covers the same path";
    auto rec = Recorder::create(smallDiskSettings(dir.path() / "small" / "takes"));
    ASSERT_TRUE(rec);
    Events events;
    (*rec)->onEvent([&](const RecordEvent& e) {
        std::lock_guard lock(events.m);
        events.list.push_back(e);
    });
    auto sources = (*rec)->prepareSources(sourceSpecs);
    ASSERT_TRUE(sources);
    Feeder feeder(*sources, rate, 4.0);
    auto take = (*rec)->start("full", "");
    ASSERT_TRUE(take) << take.error().message;
    feeder.start();
    waitFor([&] { return events.has(RecordEvent::Kind::WriteFailed); }, std::chrono::seconds(20));
    const std::uint64_t atFailure = feeder.frames();
    EXPECT_TRUE(feeder.waitUntil(atFailure + rate)); // the "audio thread" goes on
    feeder.stop();
    ASSERT_TRUE(events.has(RecordEvent::Kind::WriteFailed));
    EXPECT_TRUE(events.has(RecordEvent::Kind::TakeClosed));
    const auto status = (*rec)->status();
    EXPECT_EQ(status.state, RecorderState::Idle);
    EXPECT_NE(status.lastError.find("No space left on device"), std::string::npos) << status.lastError;
    EXPECT_LT(feeder.maxBlockMicros(), 50'000.0) << "the audio side never waits for the disk";
    expectCleanlyClosedAfterFailure(take->folder);

    // Still usable: recording elsewhere works.
    auto settings = smallDiskSettings(dir.path() / "big");
    ASSERT_TRUE((*rec)->configure(settings));
    feeder.start();
    auto next = (*rec)->start("after", "");
    ASSERT_TRUE(next) << next.error().message;
    ASSERT_TRUE(feeder.waitUntil(feeder.frames() + rate / 2));
    ASSERT_TRUE((*rec)->stop());
    feeder.stop();
    auto m = readManifest(next->folder / "take.yaml");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->ended, "stopped");
}

TEST(RecorderDiskFull, AFileSizeLimitEndsTheTakeCleanly)
{
    // RLIMIT_FSIZE is per process: run the recorder in a child so the test runner keeps its limits.
    TempDir dir;
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::signal(SIGXFSZ, SIG_IGN); // a write past the limit then fails with EFBIG
        rlimit limit {2 << 20, 2 << 20};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        auto rec = Recorder::create(smallDiskSettings(dir.path() / "takes"));
        if (!rec)
            ::_exit(10);
        std::atomic<bool> failed {false};
        (*rec)->onEvent([&](const RecordEvent& e) {
            if (e.kind == RecordEvent::Kind::WriteFailed)
                failed = true;
        });
        auto sources = (*rec)->prepareSources(sourceSpecs);
        if (!sources)
            ::_exit(11);
        Feeder feeder(*sources, rate, 4.0);
        if (!(*rec)->start("limited", ""))
            ::_exit(12);
        feeder.start();
        waitFor([&] { return failed.load(); }, std::chrono::seconds(20));
        feeder.stop();
        if (!failed)
            ::_exit(13);
        if ((*rec)->status().state != RecorderState::Idle)
            ::_exit(14);
        rec->reset();
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "child died with signal " << WTERMSIG(status);
    ASSERT_EQ(WEXITSTATUS(status), 0);
    expectCleanlyClosedAfterFailure(test::onlyTake(dir.path() / "takes"));
}
