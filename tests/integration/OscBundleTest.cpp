// SPDX-License-Identifier: GPL-3.0-or-later
// Bundles and timetags, verified in the audio backlined plays (heard by a JACK client).
#include "OscLive.h"
#include "Signal.h"

#include "control/osc/OscWriter.h"
#include "control/osc/Timetag.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

using namespace backline;
using namespace backline::test;
using namespace std::chrono_literals;

TEST(OscBundle, ThreeChangesInOneBundleLandInTheSameBlock)
{
    LiveDaemon d(cancellingDcSession());
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_TRUE(listener.waitCycles(113)); // 300 ms of audio: the levels have settled
    auto [quiet, quietR] = listener.capture(200ms);
    ASSERT_GT(quiet.size(), 4800u);
    ASSERT_LT(peakAbs(quiet), 1e-5f) << "the three tracks cancel";

    // Moved together in one bundle, the three ramps start on one frame: the sum stays silent.
    // The sender's sleeps space the bundles over the capture (the stimulus, not a wait for a
    // result); the last value read back below shows they all landed.
    std::thread sender([&] {
        std::this_thread::sleep_for(100ms);
        for (int i = 0; i < 10; ++i) {
            const bool up = i % 2 == 0;
            c.sendBundle(control::oscImmediately,
                {{"/track/a/dsp/level", {up ? 0.9f : 0.6f}}, {"/track/b/dsp/level", {up ? 0.45f : 0.3f}},
                    {"/track/c/dsp/level", {up ? 0.45f : 0.3f}}});
            std::this_thread::sleep_for(53ms); // not a multiple of the block: lands anywhere in one
        }
    });
    auto [together, togetherR] = listener.capture(800ms);
    sender.join();
    EXPECT_LT(peakAbs(together), 1e-4f);
    EXPECT_LT(peakAbs(togetherR), 1e-4f);
    EXPECT_FLOAT_EQ(float(c.request("/track/a/dsp/level")->number(0)), 0.6f);

    // The same changes as three messages, each sent once the one before has been taken and
    // JACK has run two more cycles: they land in different blocks however slow the machine is,
    // and the detector sees the gap.
    listener.watchForChange(0.0f, 0.01f);
    for (auto [address, value] : {std::pair {"/track/a/dsp/level", 0.9f}, std::pair {"/track/b/dsp/level", 0.45f},
             std::pair {"/track/c/dsp/level", 0.45f}}) {
        c.send(address, {value});
        auto taken = c.request(address);
        ASSERT_TRUE(taken) << address;
        ASSERT_FLOAT_EQ(float(taken->number(0)), value) << address;
        ASSERT_TRUE(listener.waitCycles(2));
    }
    EXPECT_TRUE(listener.waitForChange(5000ms)) << "a change one block late leaves 0.15 x 128/960 x 0.707";
    EXPECT_TRUE(d.process->running());
}

TEST(OscBundle, ABundleWithAnInvalidMessageChangesNothing)
{
    LiveDaemon d(cancellingDcSession());
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    c.sendBundle(control::oscImmediately,
        {{"/track/a/dsp/level", {0.9f}}, {"/track/b/dsp/level", {0.45f}}, {"/track/c/dsp/levle", {0.45f}}});
    auto error = c.receiveAddress("/error");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->text(0), "#bundle");
    EXPECT_NE(error->text(1).find("did you mean '/track/c/dsp/level'"), std::string::npos) << error->text(1);
    EXPECT_FLOAT_EQ(float(c.request("/track/a/dsp/level")->number(0)), 0.6f);
    EXPECT_FLOAT_EQ(float(c.request("/track/b/dsp/level")->number(0)), 0.3f);
}

// A timetag ahead is held until its time, then lands. How close to its time is a timing claim,
// and on a busy machine a non-real-time dummy driver stalls and catches up, so the suite does
// not judge it: tests/bench/timetag_bench measures it (frames from the timetag's frame, early
// trials), and the exact frame given the engine's clock is checked offline
// (Mixing.TimedChangeLandsOnItsFrameAndABatchLandsTogether, ClockEstimator.*). Here, with the
// timetag 3 s ahead: once /pong says the bundle has reached the engine and JACK has run four
// more cycles, the change has not been heard (checked only when that took under 2 s of wall
// time, far from the timetag whatever the clocks do); then it is heard, at the level sent.
TEST(OscBundle, ATimetagAheadIsHeldUntilItsTimeThenLands)
{
    LiveDaemon d(silentDcSession());
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_TRUE(listener.waitCycles(40));
    bool judgedHeld = false;
    for (int trial = 0; trial < 2; ++trial) {
        const float from = trial == 0 ? 0.0f : 0.5f;
        const float to = trial == 0 ? 0.5f : 0.0f;
        listener.watchForChange(from * float(M_SQRT1_2), 1e-5f);
        const auto sent = std::chrono::steady_clock::now();
        c.sendBundle(control::toTimetag(std::chrono::system_clock::now() + 3s), {{"/track/dc/dsp/level", {to}}});
        auto pong = c.request("/ping");
        ASSERT_TRUE(pong);
        ASSERT_EQ(pong->address, "/pong");
        ASSERT_TRUE(listener.waitCycles(4));
        if (std::chrono::steady_clock::now() - sent < 2s) {
            EXPECT_FALSE(listener.changeSeen()) << "trial " << trial << ": applied at once, not at its time";
            judgedHeld = true;
        }
        ASSERT_TRUE(listener.waitForChange(30s)) << "trial " << trial << ": never heard";
        ASSERT_TRUE(listener.waitCycles(40)); // the 20 ms ramp is over
        auto [left, right] = listener.capture(50ms);
        ASSERT_FALSE(left.empty());
        EXPECT_NEAR(left.back(), to * float(M_SQRT1_2), 1e-4f) << "trial " << trial;
        EXPECT_FLOAT_EQ(float(c.request("/track/dc/dsp/level")->number(0)), to);
    }
    if (!judgedHeld)
        GTEST_SKIP() << "the machine took over 2 s for a ping and four JACK cycles: the hold was not judged "
                        "(the landing was)";
}

TEST(OscBundle, APastOrImmediateTimetagAppliesNow)
{
    LiveDaemon d(silentDcSession());
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_TRUE(listener.waitCycles(40));
    listener.watchForChange(0.0f, 1e-5f);
    c.sendBundle(control::toTimetag(std::chrono::system_clock::now() - 10s), {{"/track/dc/dsp/level", {0.5f}}});
    // The server answers in order: once /pong is back, the bundle has gone to the engine. The
    // next block applies it and the master's lookahead (135 frames) plays it in the one after:
    // heard within four of JACK's cycles, however long the machine took to run them.
    auto pong = c.request("/ping");
    ASSERT_TRUE(pong);
    ASSERT_EQ(pong->address, "/pong");
    ASSERT_TRUE(listener.waitCycles(4));
    EXPECT_TRUE(listener.waitForChange(0ms)) << "applied at the next block, not scheduled";
}
