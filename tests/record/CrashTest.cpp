// SPDX-License-Identifier: GPL-3.0-or-later
#include "RecordHarness.h"

#include "record/Recorder.h"
#include "record/TakeManifest.h"
#include "record/TakeRepair.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>

using namespace backline;
using namespace backline::record;
using backline::test::Feeder;
using backline::test::TempDir;

namespace {

constexpr int rate = 48000;

float tolerance(SampleBits bits)
{
    return bits == SampleBits::Int16 ? 1.0f / 32768 : bits == SampleBits::Int24 ? 1.0f / 8388608 : 0.0f;
}

/// What the recording child tells the parent, in shared memory.
struct ChildProgress {
    std::atomic<std::uint64_t> startCaptureFrame {0}; ///< the take's first frame (set before `ready`)
    std::atomic<std::uint64_t> fed {0};               ///< frames the "audio thread" has fed so far
    std::atomic<std::uint64_t> written {0};           ///< frames in the take's files, as the recorder last said
};

/// In a child: record four sources in real time, tell the parent, then wait to be killed,
/// publishing the frames fed so far in progress->fed.
[[noreturn]] void recordUntilKilled(
    const std::filesystem::path& root, FileFormat format, SampleBits bits, int ready, ChildProgress* progress)
{
    RecordSettings s;
    s.folder = root;
    s.format = format;
    s.bits = bits;
    s.sampleRate = rate;
    s.minFreeMb = 1;
    s.durability = Durability::SyncEveryRefresh;
    auto rec = Recorder::create(s);
    if (!rec)
        ::_exit(10);
    auto sources = (*rec)->prepareSources({{"track/vox/input", 1}, {"track/gtr/input", 1}, {"bus/verb", 1}, {"master", 2}});
    if (!sources)
        ::_exit(11);
    Feeder feeder(*sources, rate, 1.0);
    feeder.start();
    auto take = (*rec)->start("crash", "backline: 1\n");
    if (!take)
        ::_exit(12);
    progress->startCaptureFrame.store(take->startCaptureFrame);
    const char go = 'x';
    if (::write(ready, &go, 1) != 1)
        ::_exit(13);
    for (;;) { // publish how far the "audio thread" and the writer got, for the parent to compare after the kill
        progress->written.store((*rec)->status().takeFrames);
        progress->fed.store(feeder.frames());
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

} // namespace

class CrashFormats : public ::testing::TestWithParam<std::tuple<FileFormat, SampleBits>> { };

TEST_P(CrashFormats, AfterSigkillEveryFileOpensAndHoldsTheAudioAndRepairCompletesTheTake)
{
    const auto [format, bits] = GetParam();
    TempDir dir;
    const auto root = dir.path() / "takes";
    void* shared = ::mmap(nullptr, sizeof(ChildProgress), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(shared, MAP_FAILED);
    auto* progress = new (shared) ChildProgress;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::close(fds[0]);
        recordUntilKilled(root, format, bits, fds[1], progress);
    }
    ::close(fds[1]);
    pollfd p {fds[0], POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 10'000), 1) << "the recording child did not start";
    char go = 0;
    ASSERT_EQ(::read(fds[0], &go, 1), 1);
    ::close(fds[0]);
    // Kill once 3 s of the take have been fed (3 s of wall time when the machine keeps up) and
    // the writer has put 2.5 s in the files, so the checks below depend only on what the
    // recorder promises about a kill, not on how fast the child got going. A machine busy
    // writing (a build beside the tests) can hold each header refresh's fdatasync for seconds:
    // the wait is long, and the kill goes ahead at its end with the figures in the message.
    const std::uint64_t start = progress->startCaptureFrame.load();
    const bool ready = test::waitFor(
        [&] { return progress->fed.load() >= start + 3 * rate && progress->written.load() >= 5 * rate / 2; },
        std::chrono::seconds(60));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    const std::uint64_t fedAtKill = progress->fed.load();
    const std::uint64_t writtenAtKill = progress->written.load();
    ASSERT_TRUE(ready) << "in 60 s the child fed " << (fedAtKill - start) << " frames and the writer wrote "
                       << writtenAtKill;
    progress->~ChildProgress();
    ::munmap(shared, sizeof(ChildProgress));

    const auto take = test::onlyTake(root);
    ASSERT_FALSE(take.empty());
    auto m = readManifest(take / "take.yaml");
    ASSERT_TRUE(m) << m.error().message;
    EXPECT_FALSE(m->complete);
    // The promise of at most 1 s lost is for a writer that keeps up with the audio, as it does
    // on stage (RecorderBench measures how far ahead of real time it runs). On a machine so busy
    // that the writer fell behind, what it had written is still checked, after the repair.
    const std::uint64_t fedFrames = fedAtKill - m->startCaptureFrame;
    const bool keptUp = writtenAtKill + rate / 4 >= fedFrames;
    RecordProperty("writer_behind_ms_at_kill", int(1000.0 * double(fedFrames - std::min(fedFrames, writtenAtKill)) / rate));
    std::vector<std::uint64_t> before;
    for (std::size_t s = 0; s < m->sources.size(); ++s) {
        const auto path = take / m->sources[s].files.at(0);
        const auto file = test::readAudio(path);
        ASSERT_TRUE(file.opened) << path << ": " << file.error;
        EXPECT_GE(file.frames, std::uint64_t(2 * rate)) << path;
        // The promise: all the audio up to at most 1 s before the kill, without any repair.
        if (keptUp) {
            EXPECT_GE(file.frames + rate, fedFrames) << path << " lost more than 1 s";
        }
        RecordProperty(m->sources[s].id + "_lost_ms", int(1000.0 * double(fedAtKill - m->startCaptureFrame - std::min(file.frames, fedAtKill - m->startCaptureFrame)) / rate));
        EXPECT_EQ(test::compareWithKnown(file, s, m->startCaptureFrame, rate, tolerance(bits)), "") << path;
        before.push_back(file.frames);
        if (std::system("command -v sox >/dev/null 2>&1") == 0) {
            EXPECT_EQ(std::system(("sox --i '" + path.string() + "' >/dev/null 2>&1").c_str()), 0) << path;
        }
    }

    auto report = repairTakes(root);
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
    ASSERT_EQ(report->repaired.size(), 1u);
    auto fixed = readManifest(take / "take.yaml");
    ASSERT_TRUE(fixed);
    EXPECT_TRUE(fixed->complete);
    EXPECT_EQ(fixed->ended, "interrupted");
    EXPECT_GE(fixed->durationFrames, std::uint64_t(2 * rate));
    for (std::size_t s = 0; s < fixed->sources.size(); ++s) {
        const auto path = take / fixed->sources[s].files.at(0);
        const auto file = test::readAudio(path);
        ASSERT_TRUE(file.opened) << file.error;
        EXPECT_GE(file.frames, before[s]) << path << ": repair keeps everything that was on disk";
        EXPECT_GE(file.frames, fixed->durationFrames);
        // Repaired, a file holds everything that reached it: at least what the recorder said it
        // had written (FLAC's encoder may still hold a block or two), and, when the writer kept
        // up, all but the last drain.
        EXPECT_GE(file.frames + 8192, writtenAtKill) << path << ": repair lost what had been written";
        if (keptUp) {
            EXPECT_GE(file.frames + rate / 2, fedAtKill - fixed->startCaptureFrame) << path;
        }
        RecordProperty(fixed->sources[s].id + "_lost_ms_after_repair",
            int(1000.0 * double(fedAtKill - fixed->startCaptureFrame - std::min(file.frames, fedAtKill - fixed->startCaptureFrame)) / rate));
        EXPECT_EQ(test::compareWithKnown(file, s, fixed->startCaptureFrame, rate, tolerance(bits)), "") << path;
    }
}

INSTANTIATE_TEST_SUITE_P(Formats, CrashFormats,
    ::testing::Values(std::tuple {FileFormat::Rf64, SampleBits::Int24}, std::tuple {FileFormat::Wav, SampleBits::Float32},
        std::tuple {FileFormat::W64, SampleBits::Int24}, std::tuple {FileFormat::Caf, SampleBits::Int16},
        std::tuple {FileFormat::Flac, SampleBits::Int24}),
    [](const auto& p) { return test::formatLabel(std::get<0>(p.param), std::get<1>(p.param)); });
