// SPDX-License-Identifier: GPL-3.0-or-later
#include "RecordHarness.h"

#include "record/Recorder.h"
#include "record/TakeManifest.h"

#include <gtest/gtest.h>

#include <cmath>
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

std::vector<SourceSpec> fourSources()
{
    return {{"track/click/input", 1}, {"track/vox/input", 1}, {"track/vox/post", 1}, {"master", 2}};
}

RecordSettings settingsIn(const std::filesystem::path& dir, FileFormat format = FileFormat::Rf64,
    SampleBits bits = SampleBits::Float32)
{
    RecordSettings s;
    s.folder = dir / "takes";
    s.format = format;
    s.bits = bits;
    s.sampleRate = rate;
    s.minFreeMb = 1;
    s.durability = Durability::KernelWriteback;
    return s;
}

std::unique_ptr<Recorder> makeRecorder(const RecordSettings& s)
{
    auto r = Recorder::create(s);
    EXPECT_TRUE(r) << r.error().message;
    return std::move(*r);
}

float lsb(SampleBits bits)
{
    switch (bits) {
    case SampleBits::Int16:
        return 1.0f / 32768.0f;
    case SampleBits::Int24:
        return 1.0f / 8388608.0f;
    case SampleBits::Float32:
        return 0.0f;
    }
    return 0;
}

/// Waits (bounded) until the recorder's status says the open take holds at least frames frames:
/// the disk thread has drained that much into the take's files on its own.
bool waitForTakeFrames(const Recorder& rec, std::uint64_t frames)
{
    return waitFor([&] { return rec.status().takeFrames >= frames; });
}

/// Returns once the disk thread is between two passes. A control call runs as a job on that
/// thread between passes and waits for it (README.md, "Threads"); start() during a take is
/// refused there without touching anything. So a drain that was under way when the writer
/// was stalled has finished, and no other starts until it is unstalled.
void syncWithDiskThread(Recorder& rec)
{
    EXPECT_FALSE(rec.start("sync", "")) << "start() during a take must be refused";
}

/// Checks every file of a finished take against the known signals, all starting at the take's
/// first capture frame and all of the take's length; returns that length.
std::uint64_t expectTakeHoldsKnownSignals(const std::filesystem::path& folder, float tolerance)
{
    auto m = readManifest(folder / "take.yaml");
    EXPECT_TRUE(m) << (m ? "" : m.error().message);
    if (!m)
        return 0;
    EXPECT_TRUE(m->complete);
    EXPECT_EQ(m->ended, "stopped");
    for (std::size_t s = 0; s < m->sources.size(); ++s) {
        const auto file = test::readAudio(folder / m->sources[s].files.at(0));
        EXPECT_TRUE(file.opened) << file.error;
        EXPECT_EQ(file.channels, m->sources[s].channels);
        EXPECT_EQ(file.frames, m->durationFrames) << m->sources[s].id << ": every file has the take's length";
        EXPECT_EQ(test::compareWithKnown(file, s, m->startCaptureFrame, rate, tolerance), "")
            << m->sources[s].id << " in " << folder;
        EXPECT_EQ(m->sources[s].droppedFrames, 0u);
    }
    return m->durationFrames;
}

} // namespace

class RecorderFormats : public ::testing::TestWithParam<std::tuple<FileFormat, SampleBits, double>> { };

TEST_P(RecorderFormats, EveryFileHoldsExactlyTheKnownSignalsAlignedAndOfEqualLength)
{
    const auto [format, bits, seconds] = GetParam();
    TempDir dir;
    auto rec = makeRecorder(settingsIn(dir.path(), format, bits));
    auto sources = rec->prepareSources(fourSources());
    ASSERT_TRUE(sources) << sources.error().message;
    // Fed in half-second chunks, each once the writer has drained the last: what is checked is
    // the files' content, whatever the machine's speed. How far ahead of real time the writer
    // runs is a benchmark's (tests/bench/RecorderBench.cpp, scripts/bench-record).
    Feeder feeder(*sources, rate, 1.0);
    feeder.feedNow(rate / 4);
    auto take = rec->start("known", "backline: 1\ntracks: []\n");
    ASSERT_TRUE(take) << take.error().message;
    const std::uint64_t until = feeder.frames() + std::uint64_t(seconds * rate);
    while (feeder.frames() < until) {
        feeder.feedNow(std::min<std::uint64_t>(rate / 2, until - feeder.frames()));
        ASSERT_TRUE(waitForTakeFrames(*rec, feeder.frames() - take->startCaptureFrame))
            << "the writer did not drain half a second within " << test::defaultWait.count() << " ms";
    }
    ASSERT_TRUE(rec->stop());
    EXPECT_EQ(rec->status().state, RecorderState::Idle);
    EXPECT_EQ(rec->status().droppedInTake, 0u);
    const std::uint64_t frames = expectTakeHoldsKnownSignals(take->folder, lsb(bits));
    EXPECT_GE(frames, std::uint64_t(seconds * rate));
}

INSTANTIATE_TEST_SUITE_P(Formats, RecorderFormats,
    ::testing::Values(std::tuple {FileFormat::Rf64, SampleBits::Float32, 10.0},
        std::tuple {FileFormat::Rf64, SampleBits::Int24, 10.0}, std::tuple {FileFormat::Wav, SampleBits::Int16, 3.0},
        std::tuple {FileFormat::Wav, SampleBits::Float32, 3.0}, std::tuple {FileFormat::W64, SampleBits::Int24, 3.0},
        std::tuple {FileFormat::Caf, SampleBits::Float32, 3.0}, std::tuple {FileFormat::Caf, SampleBits::Int16, 3.0},
        std::tuple {FileFormat::Flac, SampleBits::Int24, 3.0}, std::tuple {FileFormat::Flac, SampleBits::Int16, 3.0}),
    [](const auto& p) { return test::formatLabel(std::get<0>(p.param), std::get<1>(p.param)); });

TEST(Recorder, PreRollKeepsTheSecondsBeforeStart)
{
    TempDir dir;
    auto settings = settingsIn(dir.path());
    settings.prerollSeconds = 2.0;
    settings.ringSeconds = 8.0; // the 5 s fed at once must fit
    auto rec = makeRecorder(settings);
    auto sources = rec->prepareSources(fourSources());
    ASSERT_TRUE(sources);
    Feeder feeder(*sources, rate, 1.0);
    feeder.feedNow(5 * rate); // 5 s played before anyone pressed record
    EXPECT_TRUE(waitFor([&] { return ringsDrained(*sources); })) << "the writer drains them into the pre-roll";
    auto take = rec->start("retro", "");
    ASSERT_TRUE(take) << take.error().message;
    EXPECT_EQ(take->prerollFrames, std::uint64_t(2 * rate));
    EXPECT_EQ(take->startCaptureFrame, std::uint64_t(3 * rate));
    feeder.feedNow(rate);
    EXPECT_TRUE(waitForTakeFrames(*rec, 3 * rate)) << rec->status().takeFrames;
    ASSERT_TRUE(rec->stop());
    const std::uint64_t frames = expectTakeHoldsKnownSignals(take->folder, 0.0f);
    EXPECT_EQ(frames, std::uint64_t(3 * rate)); // 2 s before the start, 1 s after
    auto m = readManifest(take->folder / "take.yaml");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->prerollFrames, std::uint64_t(2 * rate));
}

TEST(Recorder, PreRollShorterThanAskedWhenLessWasPlayed)
{
    TempDir dir;
    auto settings = settingsIn(dir.path());
    settings.prerollSeconds = 10.0;
    auto rec = makeRecorder(settings);
    auto sources = rec->prepareSources(fourSources());
    ASSERT_TRUE(sources);
    Feeder feeder(*sources, rate, 1.0);
    feeder.feedNow(rate / 2);
    EXPECT_TRUE(waitFor([&] { return ringsDrained(*sources); })) << "the writer drains them into the pre-roll";
    auto take = rec->start("short", "");
    ASSERT_TRUE(take);
    EXPECT_EQ(take->startCaptureFrame, 0u);
    EXPECT_EQ(take->prerollFrames, std::uint64_t(rate / 2));
    ASSERT_TRUE(rec->stop());
    expectTakeHoldsKnownSignals(take->folder, 0.0f);
}

TEST(Recorder, DroppedFramesAreCountedWhenTheWriterStallsAndFilesKeepTheirLength)
{
    TempDir dir;
    auto settings = settingsIn(dir.path());
    settings.ringSeconds = 0.5;
    auto rec = makeRecorder(settings);
    std::mutex eventsMutex;
    std::vector<RecordEvent> events;
    rec->onEvent([&](const RecordEvent& e) {
        std::lock_guard lock(eventsMutex);
        events.push_back(e);
    });
    auto sources = rec->prepareSources(fourSources());
    ASSERT_TRUE(sources);
    Feeder feeder(*sources, rate, 1.0);
    auto take = rec->start("stall", "");
    ASSERT_TRUE(take);
    feeder.feedNow(rate / 4);
    // Every ring empty when the stall begins, and no drain under way: every ring then drops
    // exactly the same blocks.
    EXPECT_TRUE(waitFor([&] { return ringsDrained(*sources); })) << "the writer did not drain the first 0.25 s";
    rec->setWriterStalledForTest(true);
    syncWithDiskThread(*rec);
    feeder.feedNow(2 * rate); // 2 s into 0.5 s rings that nobody drains
    rec->setWriterStalledForTest(false);
    // The writer empties the full rings (and counts what they dropped) before more is fed, so
    // no ring drops a block another one kept.
    EXPECT_TRUE(waitFor([&] { return ringsDrained(*sources); })) << "the writer did not resume";
    feeder.feedNow(rate / 4);
    EXPECT_TRUE(waitForTakeFrames(*rec, feeder.frames() - take->startCaptureFrame)) << rec->status().takeFrames;
    const auto during = rec->status();
    ASSERT_TRUE(rec->stop());

    const auto ring = (*sources)[0].ring;
    const std::uint64_t dropped = ring->framesDropped();
    EXPECT_GT(dropped, std::uint64_t(rate)); // at least the 1.5 s that did not fit
    EXPECT_EQ(during.droppedInTake, dropped * sources->size());
    for (const auto& s : during.sources)
        EXPECT_EQ(s.droppedInTake, dropped) << s.id;
    auto m = readManifest(take->folder / "take.yaml");
    ASSERT_TRUE(m);
    for (const auto& s : m->sources) {
        EXPECT_EQ(s.droppedFrames, dropped) << s.id;
        const auto file = test::readAudio(take->folder / s.files.at(0));
        EXPECT_EQ(file.frames, m->durationFrames) << s.id << ": silence stands in for the lost frames";
    }
    EXPECT_EQ(m->durationFrames, feeder.frames() - take->startCaptureFrame);
    std::lock_guard lock(eventsMutex);
    EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const RecordEvent& e) {
        return e.kind == RecordEvent::Kind::FramesDropped && e.frames > 0;
    }));
}

TEST(Recorder, MarkersAndXrunsAreWrittenToTakeYaml)
{
    TempDir dir;
    auto rec = makeRecorder(settingsIn(dir.path()));
    auto sources = rec->prepareSources(fourSources());
    ASSERT_TRUE(sources);
    rec->setEngineOrigin(1'000'000);
    Feeder feeder(*sources, rate, 1.0);
    feeder.feedNow(rate);
    EXPECT_TRUE(waitFor([&] { return ringsDrained(*sources); }));
    auto take = rec->start("marked", "name: test-session\n");
    ASSERT_TRUE(take);
    feeder.feedNow(rate);
    ASSERT_TRUE(rec->marker("verse"));
    rec->noteXrun();
    ASSERT_TRUE(rec->marker("chorus", 1'000'000 + take->startCaptureFrame + 1234));
    feeder.feedNow(rate);
    // The disk thread files markers and xruns as it gets to them: wait for it (bounded).
    waitFor([&] {
        const auto st = rec->status();
        return st.markers >= 2 && st.xrunsInTake >= 1;
    });
    EXPECT_EQ(rec->status().markers, 2u);
    EXPECT_EQ(rec->status().xrunsInTake, 1u);
    ASSERT_TRUE(rec->stop());
    EXPECT_FALSE(rec->marker("late")) << "no take is open";

    auto m = readManifest(take->folder / "take.yaml");
    ASSERT_TRUE(m);
    ASSERT_EQ(m->markers.size(), 2u);
    EXPECT_EQ(m->markers[0].name, "verse");
    EXPECT_EQ(m->markers[0].frame, std::uint64_t(rate)); // the block the "audio thread" had just written
    EXPECT_EQ(m->markers[1].name, "chorus");
    EXPECT_EQ(m->markers[1].frame, 1234u);
    EXPECT_EQ(m->markers[1].engineFrame, 1'000'000 + take->startCaptureFrame + 1234);
    EXPECT_EQ(m->xrunCount, 1u);
    EXPECT_EQ(m->session, "name: test-session\n");
    EXPECT_EQ(m->startEngineFrame, 1'000'000 + take->startCaptureFrame);
}

TEST(Recorder, ASegmentAfterJackReturnsIsANewSetOfFilesInTheSameTake)
{
    TempDir dir;
    auto rec = makeRecorder(settingsIn(dir.path(), FileFormat::Wav, SampleBits::Int24));
    auto sources = rec->prepareSources(fourSources());
    ASSERT_TRUE(sources);
    Feeder feeder(*sources, rate, 1.0);
    auto take = rec->start("gig", "");
    ASSERT_TRUE(take);
    feeder.feedNow(rate);
    // endSegment() ends the files where the writer has got to: let it reach the second.
    EXPECT_TRUE(waitForTakeFrames(*rec, rate)) << rec->status().takeFrames;
    ASSERT_TRUE(rec->endSegment()); // JACK went away
    EXPECT_EQ(rec->status().state, RecorderState::Suspended);
    ASSERT_TRUE(rec->marker("while-away"));
    ASSERT_TRUE(rec->beginSegment()); // JACK is back
    const std::uint64_t secondStart = feeder.frames();
    feeder.feedNow(rate / 2);
    EXPECT_TRUE(waitForTakeFrames(*rec, rate + rate / 2)) << rec->status().takeFrames;
    ASSERT_TRUE(rec->stop());

    auto m = readManifest(take->folder / "take.yaml");
    ASSERT_TRUE(m);
    ASSERT_EQ(m->segments.size(), 2u);
    EXPECT_EQ(m->segments[0].ended, "jack_lost");
    EXPECT_EQ(m->segments[0].frames, std::uint64_t(rate));
    EXPECT_EQ(m->segments[1].startFrame, std::uint64_t(rate));
    EXPECT_EQ(m->segments[1].frames, std::uint64_t(rate / 2));
    EXPECT_EQ(m->durationFrames, std::uint64_t(rate + rate / 2));
    EXPECT_EQ(m->sources[1].files, (std::vector<std::string> {"track-vox-input.wav", "track-vox-input-seg2.wav"}));
    for (std::size_t s = 0; s < m->sources.size(); ++s) {
        const auto seg2 = test::readAudio(take->folder / m->sources[s].files[1]);
        EXPECT_EQ(seg2.frames, std::uint64_t(rate / 2));
        EXPECT_EQ(test::compareWithKnown(seg2, s, secondStart, rate, 1.0f / 8388608.0f), "");
    }
}

TEST(Recorder, BadTakeNamesAreRefusedAndNothingIsCreated)
{
    TempDir dir;
    auto rec = makeRecorder(settingsIn(dir.path()));
    ASSERT_TRUE(rec->prepareSources(fourSources()));
    for (const char* name : {"", "..", "../escape", "a/b", "/etc/passwd", ".hidden", "tab\there", "nl\nx",
             "back\\slash", "semi;colon", "way-too-long-way-too-long-way-too-long-way-too-long-way-too-long-x"}) {
        auto r = rec->start(name, "");
        ASSERT_FALSE(r) << "'" << name << "' was accepted";
        EXPECT_NE(r.error().message.find("take name"), std::string::npos) << r.error().message;
    }
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "takes"));
    EXPECT_EQ(rec->status().state, RecorderState::Idle);
}

TEST(Recorder, UnknownOrMalformedSourcesAreRefused)
{
    TempDir dir;
    auto rec = makeRecorder(settingsIn(dir.path()));
    for (const auto& bad : std::vector<std::vector<SourceSpec>> {{{"", 1}}, {{"track//input", 1}},
             {{"../etc", 1}}, {{"/master", 1}}, {{"master/", 1}}, {{"track/vox input", 1}}, {{"master", 0}},
             {{"master", 9}}, {{"bus/a", 1}, {"bus/a", 2}}, {{"bus/a-b", 1}, {"bus/a/b", 1}}}) {
        auto r = rec->prepareSources(bad);
        EXPECT_FALSE(r) << bad.front().id;
    }
    auto r = rec->start("nothing", "");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("no sources"), std::string::npos) << r.error().message;
}

TEST(Recorder, StartWhileRecordingIsRefusedAndTheTakeGoesOn)
{
    TempDir dir;
    auto rec = makeRecorder(settingsIn(dir.path()));
    auto sources = rec->prepareSources(fourSources());
    ASSERT_TRUE(sources);
    Feeder feeder(*sources, rate, 1.0);
    auto take = rec->start("first", "");
    ASSERT_TRUE(take);
    auto again = rec->start("second", "");
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("already recording"), std::string::npos) << again.error().message;
    EXPECT_FALSE(rec->prepareSources(fourSources())) << "sources cannot change during a take";
    EXPECT_FALSE(rec->configure(settingsIn(dir.path(), FileFormat::Wav)));
    feeder.feedNow(rate / 2);
    EXPECT_TRUE(waitForTakeFrames(*rec, rate / 2)) << rec->status().takeFrames;
    EXPECT_EQ(rec->status().state, RecorderState::Recording);
    EXPECT_EQ(rec->status().takeFolder, take->folder);
    ASSERT_TRUE(rec->stop());
    EXPECT_FALSE(rec->stop()) << "stop when idle";
    int takes = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path() / "takes"))
        ++takes;
    EXPECT_EQ(takes, 1);
    expectTakeHoldsKnownSignals(take->folder, 0.0f);
}

TEST(Recorder, ATakeNeverOverwritesAnother)
{
    TempDir dir;
    auto rec = makeRecorder(settingsIn(dir.path()));
    ASSERT_TRUE(rec->prepareSources({{"master", 2}}));
    auto a = rec->start("same", "");
    ASSERT_TRUE(a);
    ASSERT_TRUE(rec->stop());
    auto b = rec->start("same", "");
    ASSERT_TRUE(b);
    ASSERT_TRUE(rec->stop());
    EXPECT_NE(a->folder, b->folder);
    EXPECT_TRUE(std::filesystem::exists(a->folder / "master.wav"));
    EXPECT_TRUE(std::filesystem::exists(b->folder / "master.wav"));
}

TEST(Recorder, RefusesToStartWithLessThanTheConfiguredFreeSpace)
{
    TempDir dir;
    auto settings = settingsIn(dir.path());
    settings.minFreeMb = std::uint64_t(1) << 40; // a petabyte
    auto rec = makeRecorder(settings);
    ASSERT_TRUE(rec->prepareSources({{"master", 2}}));
    auto r = rec->start("big", "");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("min_free_mb"), std::string::npos) << r.error().message;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "takes"));
    EXPECT_EQ(rec->status().state, RecorderState::Idle);
}

TEST(Recorder, InvalidSettingsAreRefused)
{
    TempDir dir;
    auto s = settingsIn(dir.path(), FileFormat::Flac, SampleBits::Float32);
    auto r = Recorder::create(s);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("'flac' records 16 or 24 bits"), std::string::npos) << r.error().message;
    s = settingsIn(dir.path());
    s.headerRefreshSeconds = 2.0;
    EXPECT_FALSE(Recorder::create(s));
    s = settingsIn(dir.path());
    s.folder.clear();
    EXPECT_FALSE(Recorder::create(s));
}

TEST(Recorder, EventsTellSubscribersWhenTakesOpenAndClose)
{
    TempDir dir;
    auto rec = makeRecorder(settingsIn(dir.path()));
    std::mutex m;
    std::vector<RecordEvent::Kind> kinds;
    rec->onEvent([&](const RecordEvent& e) {
        std::lock_guard lock(m);
        kinds.push_back(e.kind);
    });
    ASSERT_TRUE(rec->prepareSources({{"master", 2}}));
    ASSERT_TRUE(rec->start("ev", ""));
    ASSERT_TRUE(rec->stop());
    std::lock_guard lock(m);
    EXPECT_EQ(kinds, (std::vector {RecordEvent::Kind::TakeStarted, RecordEvent::Kind::TakeClosed}));
}

/// A recorder of the master (stereo) fed at four times real time by its own thread: for tests
/// of what arrives while a take runs (markers, stops).
class FedRecorder : public ::testing::Test {
protected:
    void SetUp() override
    {
        rec = makeRecorder(settingsIn(dir.path()));
        ASSERT_TRUE(rec);
        auto sources = rec->prepareSources({{"master", 2}});
        ASSERT_TRUE(sources);
        feeder = std::make_unique<Feeder>(*sources, rate, 4.0);
        feeder->start();
    }
    void TearDown() override
    {
        if (feeder)
            feeder->stop();
    }

    TempDir dir;
    std::unique_ptr<Recorder> rec;
    std::unique_ptr<Feeder> feeder;
};

TEST_F(FedRecorder, MarkersFromManyThreadsAtOnceAreAllKept)
{
    auto take = rec->start("busy", "");
    ASSERT_TRUE(take);
    std::vector<std::thread> callers;
    for (int t = 0; t < 4; ++t)
        callers.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                EXPECT_TRUE(rec->marker("scene-" + std::to_string(t) + "-" + std::to_string(i)));
                if (i % 10 == 0)
                    std::this_thread::sleep_for(std::chrono::milliseconds(3));
            }
        });
    for (auto& c : callers)
        c.join();
    ASSERT_TRUE(feeder->waitUntil(feeder->frames() + rate / 2));
    // Markers are filed by the disk thread's next pass; stop() does not wait for that.
    EXPECT_TRUE(waitFor([&] { return rec->status().markers >= 400; })) << rec->status().markers;
    ASSERT_TRUE(rec->stop());
    auto m = readManifest(take->folder / "take.yaml");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->markers.size(), 400u);
    for (const auto& k : m->markers)
        EXPECT_LE(k.frame, m->durationFrames) << k.name;
}

TEST_F(FedRecorder, AMarkerPlacedJustBeforeStopIsKept)
{
    // The marker and the stop reach the disk thread in one pass most of the time: the marker
    // was once dropped then, the take closed first. A few takes make that pass certain.
    for (int i = 0; i < 5; ++i) {
        auto take = rec->start("last-word-" + std::to_string(i), "");
        ASSERT_TRUE(take);
        ASSERT_TRUE(waitForTakeFrames(*rec, rate / 10));
        ASSERT_TRUE(rec->marker("end"));
        ASSERT_TRUE(rec->stop());
        auto m = readManifest(take->folder / "take.yaml");
        ASSERT_TRUE(m);
        ASSERT_EQ(m->markers.size(), 1u) << "take " << i;
        EXPECT_EQ(m->markers[0].name, "end");
        EXPECT_LE(m->markers[0].frame, m->durationFrames);
    }
}

TEST(Recorder, ReconfiguringKeepsTheCaptureClockSoATakeRightAfterStaysAligned)
{
    TempDir dir;
    auto settings = settingsIn(dir.path());
    auto rec = makeRecorder(settings);
    auto sources = rec->prepareSources(fourSources());
    ASSERT_TRUE(sources);
    Feeder feeder(*sources, rate, 1.0);
    feeder.feedNow(rate);
    // The new pre-roll starts at the frame the writer has reached: let it reach the second.
    EXPECT_TRUE(waitFor([&] { return ringsDrained(*sources); }));
    settings.prerollSeconds = 2.0; // a new pre-roll starts empty, at the current capture frame
    ASSERT_TRUE(rec->configure(settings));
    auto take = rec->start("after-configure", "");
    ASSERT_TRUE(take) << take.error().message;
    EXPECT_EQ(take->startCaptureFrame, std::uint64_t(rate));
    EXPECT_EQ(take->prerollFrames, 0u);
    feeder.feedNow(rate / 2);
    EXPECT_TRUE(waitForTakeFrames(*rec, rate / 2)) << rec->status().takeFrames;
    ASSERT_TRUE(rec->stop());
    EXPECT_EQ(expectTakeHoldsKnownSignals(take->folder, 0.0f), std::uint64_t(rate / 2));
}
