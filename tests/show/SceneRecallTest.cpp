// SPDX-License-Identifier: GPL-3.0-or-later
// Scene recalls through the real engine, offline (frame-exact whatever the machine's speed):
// a second faded recall mid-morph takes over without a step, and a recall on the bar lands on
// the bar's first sample — of JACK's transport too, when JACK ran cycles without the engine.
#include "EngineFixture.h"
#include "GainMeasure.h"
#include "RingChange.h"
#include "TrackTaps.h"

#include "core/AudioRing.h"
#include "engine/TransportControl.h"
#include "session/SessionLoader.h"
#include "show/SceneBook.h"

#include <gtest/gtest.h>

using namespace backline;
using namespace backline::test::gain;
using backline::test::OfflineSession;
using backline::test::TrackTaps;

namespace {

constexpr std::size_t second = 48000;
constexpr std::size_t block = 256; // OfflineSession's

/// A session with its scene book (the scenes in yaml's `scenes:`), over the real engine.
struct Show {
    explicit Show(const std::string& yaml)
        : s(yaml)
    {
        auto spec = session::loadSessionText(yaml, "show.yaml");
        EXPECT_TRUE(spec);
        s.listeners.add(&book);
        book.adopt(*spec);
    }
    ~Show() { s.listeners.remove(&book); }
    OfflineSession s;
    engine::TransportControl transport {s.engine};
    show::SceneBook book {s.control, transport};
};

const char* toneScenes = R"(backline: 1
tracks:
  - {name: x, dsp: tone, params: {freq: 1000, level: -20}, gain: -40, pan: -1}
  - {name: ref, dsp: tone, params: {freq: 1000, level: -20}, pan: 1}
scenes:
  up: {/track/x/gain: 0}
  back: {/track/x/gain: -30}
)";

} // namespace

TEST(SceneRecall, ASecondFadedRecallMidMorphContinuesFromTheCurrentLevelWithoutAStep)
{
    Show show(toneScenes);
    TrackTaps taps(show.s, {0, 1});
    taps.render(0.25);
    const std::uint64_t start = show.s.engine.clock();
    ASSERT_TRUE(show.book.recall("up", {1.0, {}}));
    auto a = taps.render(0.5);
    const std::uint64_t takeover = show.s.engine.clock(); // the next block applies it
    ASSERT_TRUE(show.book.recall("back", {1.0, {}}));
    auto b = taps.render(1.5);
    auto g = gainDb(a[0].left, a[1].right);
    const auto gb = gainDb(b[0].left, b[1].right);
    g.insert(g.end(), gb.begin(), gb.end());
    const auto at = std::size_t(takeover - start);
    const double before = levelAt(g, at - 48, at);
    EXPECT_NEAR(before, -20.0, 0.5) << "half way up the first recall's fade";
    EXPECT_NEAR(levelAt(g, at, at + 96), before, 0.2) << "the second recall starts there";
    EXPECT_LE(maxStep(g), morphBound(-40.0, 0.0, 1.0)) << "no step, at the takeover or anywhere";
    EXPECT_NEAR(levelAt(g, at + second + block, at + second + 2 * block), -30.0, 0.05) << "and lands on its value";
    EXPECT_EQ(show.s.control.get("/track/x/gain")->value, -30.0f);
}

TEST(SceneRecall, ARecallOnTheNextBarLandsOnTheBarsFirstSample)
{
    Show show("backline: 1\ntracks:\n  - {name: dc, dsp: " BACKLINE_TEST_DATA_DIR
              "/faust/dc_level.dsp, params: {level: 0.5}}\nscenes:\n  muted: {/track/dc/mute: 1}\n");
    AudioRing ring(2, 4 * 48000);
    auto taps = std::make_unique<engine::TapSet>();
    taps->generation = show.s.installedGraph()->generation;
    taps->taps.push_back({{engine::TapPoint::Kind::TrackPost, 0}, &ring});
    show.s.engine.installTaps(std::move(taps));
    ASSERT_TRUE(show.transport.play());
    const std::uint64_t started = show.s.engine.clock(); // the next block starts the transport
    show.s.render(1.3);
    std::vector<float> drain(2 * 4 * 48000);
    ring.read(drain.data(), ring.readable());
    const std::uint64_t from = show.s.engine.clock();
    ASSERT_TRUE(show.book.recall("muted", {{}, port::RecallWhen {transport::Boundary::Bar}}));
    EXPECT_EQ(show.s.control.get("/track/dc/mute")->value, 1.0f) << "reads give the target at once";
    show.s.render(1.0);
    const std::size_t firstChange = test::firstChangeIn(ring);
    ASSERT_NE(firstChange, 0u) << "the mute was heard";
    EXPECT_EQ(from + firstChange, started + 96000) << "120 BPM in 4/4: bar 2 begins 96,000 frames in";
}

namespace {

/// The engine driven cycle by cycle as JACK drives it with its transport leading (transport.jack
/// lead or follow), where JACK may run cycles without the engine (xruns): the leader's transport
/// moves on, the engine's clock does not. The dc track's post-fader signal is tapped.
struct LedShow {
    LedShow()
        : show("backline: 1\ntracks:\n  - {name: dc, dsp: " BACKLINE_TEST_DATA_DIR
               "/faust/dc_level.dsp, params: {level: 0.5}}\nscenes:\n  muted: {/track/dc/mute: 1}\n")
    {
        auto taps = std::make_unique<engine::TapSet>();
        taps->generation = show.s.installedGraph()->generation;
        taps->taps.push_back({{engine::TapPoint::Kind::TrackPost, 0}, &ring});
        show.s.engine.installTaps(std::move(taps));
    }

    /// One cycle of the engine, after the leader ran `missed` frames without it.
    void cycle(std::int64_t missed = 0)
    {
        leader += missed;
        cycles.push_back({show.s.engine.clock(), leader});
        show.s.engine.beginBlock();
        show.s.engine.setTransportLed(true);
        show.s.engine.followTransport({true, leader});
        float* outs[2] = {left.data(), right.data()};
        show.s.engine.runBlock(nullptr, 0, outs, 2, block);
        leader += block;
    }

    /// Runs until the leader reaches frame, then recalls `muted` on the next bar; the ring then
    /// holds what follows.
    void recallOnTheBarAt(std::int64_t frame)
    {
        while (leader < frame)
            cycle();
        std::vector<float> drain(2 * ring.readable());
        ring.read(drain.data(), ring.readable());
        ASSERT_TRUE(show.book.recall("muted", {{}, port::RecallWhen {transport::Boundary::Bar}}));
    }

    /// The leader's transport frame of the first sample that differs from the ring's first.
    std::int64_t firstChangeOnTheLeader()
    {
        const std::uint64_t from = show.s.engine.clock() - ring.readable();
        const std::size_t change = test::firstChangeIn(ring);
        if (change == 0)
            return -1;
        const std::uint64_t frame = from + change;
        for (auto it = cycles.rbegin(); it != cycles.rend(); ++it)
            if (it->first <= frame)
                return it->second + std::int64_t(frame - it->first);
        return -1;
    }

    Show show;
    AudioRing ring {2, 4 * 48000};
    std::int64_t leader = 0;
    std::vector<std::pair<std::uint64_t, std::int64_t>> cycles; // engine frame, leader's frame
    std::vector<float> left = std::vector<float>(block), right = std::vector<float>(block);
};

} // namespace

TEST(SceneRecall, ARecallOnTheBarLandsOnTheLeadersBarLineWhenTheEngineMissedCyclesWhileItWaited)
{
    LedShow led;
    led.recallOnTheBarAt(60000);
    led.cycle();
    led.cycle(3 * std::int64_t(block)); // JACK ran three cycles without the engine
    while (led.leader < 96000 + 2 * std::int64_t(block))
        led.cycle();
    led.cycle(7 * std::int64_t(block)); // and seven after the line, which changes nothing now
    EXPECT_EQ(led.firstChangeOnTheLeader(), 96000) << "120 BPM in 4/4: bar 2 begins on JACK's frame 96,000";
}

TEST(SceneRecall, ARecallWhoseBarLineFellInCyclesTheEngineMissedLandsAtTheNextCycleNotABarLate)
{
    LedShow led;
    led.recallOnTheBarAt(60000);
    while (led.leader + std::int64_t(block) < 96000)
        led.cycle();
    led.cycle(2 * std::int64_t(block)); // the cycle holding the line (and the next) ran without the engine
    const std::int64_t resumed = led.cycles.back().second;
    ASSERT_GT(resumed, 96000);
    while (led.leader < 2 * 96000 + std::int64_t(block))
        led.cycle();
    EXPECT_EQ(led.firstChangeOnTheLeader(), resumed) << "the first sample the engine ran after the line";
}
