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
#include <iostream>
#include <mutex>
#include <tuple>

using namespace backline;
using namespace backline::record;
using backline::test::Feeder;
using backline::test::TempDir;
using backline::test::ringsDrained;
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

/// A disk that fills for one test: a tmpfs of `size` mounted when the test runs as root, or
/// else a write failure injected through a per-file size limit (RLIMIT_FSIZE) on this process,
/// with SIGXFSZ ignored so a write past it fails with EFBIG. Says which it used.
class FullDisk {
public:
    FullDisk(const std::filesystem::path& at, const char* size, rlim_t fileLimit)
        : disk_(at, size)
    {
        if (disk_.mounted())
            return;
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        previousHandler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit {fileLimit, saved_.rlim_max};
        limited_ = ::setrlimit(RLIMIT_FSIZE, &limit) == 0;
    }
    ~FullDisk()
    {
        if (!limited_)
            return;
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, previousHandler_);
    }
    bool ready() const { return disk_.mounted() || limited_; }
    const char* how() const
    {
        return disk_.mounted() ? "a small tmpfs that fills up (ENOSPC)"
                               : "an injected failure: a per-file size limit, RLIMIT_FSIZE (EFBIG)";
    }

private:
    SmallDisk disk_;
    rlimit saved_ {};
    void (*previousHandler_)(int) = SIG_DFL;
    bool limited_ = false;
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

class DiskFullFormats : public ::testing::TestWithParam<std::tuple<FileFormat, SampleBits>> { };

// Issue 16: a take ended by a failed write left its files at different lengths, and the source
// whose write failed was shifted in every later take by the frames that write lost (with
// "dropped" frames that appeared only at stop). The take's length is decided once and every
// file is cut to it; every source stays in step with its ring whatever its file did.
TEST_P(DiskFullFormats, AFailedTakeEndsEveryFileOnTheSameFrameAndTheNextTakesAreAlignedWithNoDrops)
{
    const auto [format, bits] = GetParam();
    const float tolerance = bits == SampleBits::Int16 ? 1.0f / 32768.0f
        : bits == SampleBits::Int24                   ? 1.0f / 8388608.0f
                                                      : 0.0f;
    TempDir dir;
    FullDisk disk(dir.path() / "small", "3m", 2 << 20);
    if (!disk.ready())
        GTEST_SKIP() << "can neither mount a tmpfs nor set RLIMIT_FSIZE here";
    std::cout << "[ disk full ] by " << disk.how() << "\n";
    RecordProperty("full_disk_by", disk.how());
    auto settings = smallDiskSettings(dir.path() / "small" / "takes");
    settings.format = format;
    settings.bits = bits;
    settings.durability = Durability::KernelWriteback;
    auto rec = Recorder::create(settings);
    ASSERT_TRUE(rec) << rec.error().message;
    Events events;
    (*rec)->onEvent([&](const RecordEvent& e) {
        std::lock_guard lock(events.m);
        events.list.push_back(e);
    });
    auto sources = (*rec)->prepareSources(sourceSpecs);
    ASSERT_TRUE(sources);
    // Fed by hand, a tenth of a second at a time, each drained before the next: the failure
    // lands on a known drain whatever the machine's speed, and nothing is ever dropped.
    Feeder feeder(*sources, rate, 1.0);
    auto feedAndDrain = [&](std::uint64_t frames) {
        for (std::uint64_t left = frames; left > 0;) {
            const std::uint64_t n = std::min<std::uint64_t>(left, rate / 10);
            feeder.feedNow(n);
            left -= n;
            if (!waitFor([&] { return ringsDrained(*sources); }))
                return false;
        }
        return true;
    };
    ASSERT_TRUE(feedAndDrain(rate / 3)) << "audio before the first take";

    auto full = (*rec)->start("full", "");
    ASSERT_TRUE(full) << full.error().message;
    // Half a second per drain (the rings hold 4 s; FLAC of these signals needs ~30 s to fill
    // 3 MB). 24,037 frames: the failed write loses one such drain, and a shift by it shows in
    // every known signal (a shift by 24,000 is a whole number of periods of source 1's sine).
    for (int i = 0; i < 240 && !events.has(RecordEvent::Kind::WriteFailed); ++i) {
        feeder.feedNow(24'037);
        ASSERT_TRUE(waitFor([&] { return ringsDrained(*sources); }));
    }
    ASSERT_TRUE(waitFor([&] { return events.has(RecordEvent::Kind::TakeClosed); })) << "the write never failed";
    ASSERT_TRUE(events.has(RecordEvent::Kind::WriteFailed));
    ASSERT_EQ((*rec)->status().state, RecorderState::Idle);
    ASSERT_TRUE(feedAndDrain(rate / 4)) << "the audio goes on between takes";

    // The failed take: every file ends on the frame take.yaml states, and holds the right audio.
    {
        auto m = readManifest(full->folder / "take.yaml");
        ASSERT_TRUE(m) << m.error().message;
        EXPECT_EQ(m->ended, "write_failed");
        EXPECT_EQ(m->error.find("may hold more frames"), std::string::npos) << m->error;
        ASSERT_EQ(m->segments.size(), 1u);
        EXPECT_EQ(m->segments[0].frames, m->durationFrames);
        EXPECT_GT(m->durationFrames, std::uint64_t(rate / 4));
        std::cout << "[ disk full ] the failed take holds " << m->durationFrames << " frames in every file\n";
        for (std::size_t s = 0; s < m->sources.size(); ++s) {
            const auto file = test::readAudio(full->folder / m->sources[s].files.at(0));
            ASSERT_TRUE(file.opened) << file.error;
            EXPECT_EQ(file.frames, m->durationFrames) << m->sources[s].id << " does not end where take.yaml says";
            EXPECT_EQ(test::compareWithKnown(file, s, m->startCaptureFrame, rate, tolerance), "") << m->sources[s].id;
        }
    }
    std::filesystem::remove_all(full->folder); // room for the next takes on the same disk

    // The next three takes on the same recorder: every source starts on the take's first
    // capture frame (the known signals encode it), nothing is dropped, take.yaml agrees.
    for (int k = 0; k < 3; ++k) {
        const std::uint64_t fed = feeder.frames();
        auto take = (*rec)->start("after" + std::to_string(k), "");
        ASSERT_TRUE(take) << take.error().message;
        EXPECT_EQ(take->startCaptureFrame, fed) << "the take starts where the stream is";
        const std::uint64_t length = rate / 2 + std::uint64_t(k) * 1111;
        ASSERT_TRUE(feedAndDrain(length));
        ASSERT_TRUE(waitFor([&] { return (*rec)->status().takeFrames >= length; }));
        const auto status = (*rec)->status();
        EXPECT_EQ(status.droppedInTake, 0u) << "take " << k;
        for (const auto& src : status.sources)
            EXPECT_EQ(src.droppedInTake, 0u) << src.id << " in take " << k;
        ASSERT_TRUE((*rec)->stop());
        auto m = readManifest(take->folder / "take.yaml");
        ASSERT_TRUE(m) << m.error().message;
        EXPECT_EQ(m->ended, "stopped");
        EXPECT_EQ(m->startCaptureFrame, fed);
        EXPECT_EQ(m->durationFrames, length) << "take " << k;
        EXPECT_EQ(m->segments.at(0).frames, length);
        for (std::size_t s = 0; s < m->sources.size(); ++s) {
            EXPECT_EQ(m->sources[s].droppedFrames, 0u) << m->sources[s].id << " in take " << k;
            const auto file = test::readAudio(take->folder / m->sources[s].files.at(0));
            ASSERT_TRUE(file.opened) << file.error;
            EXPECT_EQ(file.frames, length) << m->sources[s].id << " in take " << k;
            EXPECT_EQ(test::compareWithKnown(file, s, m->startCaptureFrame, rate, tolerance), "")
                << m->sources[s].id << " is not aligned with the others in take " << k;
        }
        std::filesystem::remove_all(take->folder);
    }
    EXPECT_EQ((*rec)->status().lastError, "") << "the later takes ran without an error";
}

INSTANTIATE_TEST_SUITE_P(Formats, DiskFullFormats,
    ::testing::Values(std::tuple {FileFormat::Rf64, SampleBits::Float32},
        std::tuple {FileFormat::Wav, SampleBits::Int24}, std::tuple {FileFormat::W64, SampleBits::Int16},
        std::tuple {FileFormat::Caf, SampleBits::Int24}, std::tuple {FileFormat::Flac, SampleBits::Int16}),
    [](const auto& p) { return test::formatLabel(std::get<0>(p.param), std::get<1>(p.param)); });
