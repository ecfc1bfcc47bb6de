// SPDX-License-Identifier: GPL-3.0-or-later
// Bundles and timetags, verified in the audio backlined plays (heard by a JACK client).
#include "OscLive.h"
#include "Signal.h"

#include "control/osc/OscWriter.h"
#include "control/osc/Timetag.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sched.h>
#include <cstdio>
#include <limits>
#include <thread>

using namespace backline;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// The master chain's lookahead limiter delays everything by this much at 48 kHz
/// (faust/master/master.dsp: "135 samples latency at 48 kHz").
constexpr long masterLatencyFrames = 135;
constexpr long blockFrames = 128;

float peakAbs(const std::vector<float>& x)
{
    float peak = 0.0f;
    for (float v : x)
        peak = std::max(peak, std::fabs(v));
    return peak;
}

} // namespace

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

// Two statements. It is never early: the change is heard no sooner than 490 ms after the send,
// whatever the load (the clocks' conversions on a busy machine have been seen 4 ms off). And
// it lands on the frame that JACK's clock gives the timetag, within one block. That second one
// needs a JACK that keeps time, as on stage: the test asks for a real-time jackd (-R) and
// judges the landing frame only when the daemon's audio thread did get real-time scheduling.
// A non-real-time dummy driver on a busy machine stalls, skips a late client's cycle, and its
// delay-locked loop reports times that lag the wall clock and catch up over seconds, so even
// the listener's reading of the landing frame goes wrong (seen: 2 blocks off in 3 of 50 runs
// under stress-ng). Even real-time, a trial counts only when two measurements agree (the frame
// by JACK's clock, and the wall time of the callback that heard it), JACK's clock gave the
// timetag the same frame at the send and after the landing, and no xrun came between; without
// three such trials that part is skipped, not failed. The exact frame given the engine's clock
// is checked offline (Mixing.TimedChangeLandsOnItsFrameAndABatchLandsTogether, ClockEstimator.*).
TEST(OscBundle, ATimetag500MsAheadLandsAt500MsWithinOneBlock)
{
    LiveDaemon d(silentDcSession(), JackServer::Scheduling::Realtime);
    const auto policy = threadPolicy(d.process->pid(), "backline-audio");
    const bool realtime = policy == SCHED_FIFO || policy == SCHED_RR;
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    // The daemon reads its clock every block; give it more than a second of JACK's frames.
    ASSERT_TRUE(listener.waitCycles(600, 60s));
    constexpr long steadyFrames = 16;
    std::vector<long> errors;
    std::string unsteady;
    int trials = 0;
    for (; trials < 4 || (realtime && errors.size() < 4 && trials < 12); ++trials) {
        const float from = trials % 2 == 0 ? 0.0f : 0.5f;
        const float to = trials % 2 == 0 ? 0.5f : 0.0f;
        ASSERT_TRUE(listener.waitCycles(40)); // the last change has settled
        listener.watchForChange(from * float(M_SQRT1_2), 1e-5f);
        const std::uint64_t xrunsBefore = listener.xruns();
        // The wall time the timetag names and JACK's own time for it, read together.
        const auto wall = std::chrono::system_clock::now();
        const std::int64_t sentNs = nowNs();
        const jack_time_t due = jack_get_time() + 500000;
        const jack_nframes_t atSend = jack_time_to_frames(listener.client(), due);
        c.sendBundle(control::toTimetag(wall + 500ms), {{"/track/dc/dsp/level", {to}}});
        auto change = listener.waitForChange(30s);
        ASSERT_TRUE(change) << "trial " << trials;
        EXPECT_GE(change->callbackNs - sentNs, 490'000'000) << "trial " << trials << " was early";
        const jack_nframes_t afterLanding = jack_time_to_frames(listener.client(), due);
        const long wander = long(std::int32_t(afterLanding - atSend));
        const long error = long(std::int32_t(change->frame - masterLatencyFrames - atSend));
        const bool xrun = listener.xruns() != xrunsBefore;
        // The same landing by the wall clock: the callback that heard it, less the frames from
        // the landing to that callback's cycle start (negative: the landing was in an earlier one).
        const double byWall = double(change->callbackNs - sentNs - 500'000'000) * 48000 / 1e9
            - double(std::int32_t(change->cycleFrame - (change->frame - masterLatencyFrames)));
        std::fprintf(stderr,
            "trial %d: heard %.1f ms after the send; landed %ld frames from the frame JACK's clock gave the timetag, "
            "%.0f by the wall clock (JACK's clock moved %ld frames meanwhile%s)\n",
            trials, double(change->callbackNs - sentNs) / 1e6, error, byWall, wander, xrun ? ", an xrun" : "");
        if (realtime && std::abs(wander) <= steadyFrames && !xrun && std::abs(byWall - double(error)) <= 64.0)
            errors.push_back(error);
        else
            unsteady += " " + std::to_string(error);
    }
    std::string all;
    for (long e : errors)
        all += std::to_string(e) + " ";
    RecordProperty("frames_from_timetag", all);
    RecordProperty("frames_from_timetag_unsteady", unsteady);
    for (long e : errors)
        EXPECT_LE(std::abs(e), blockFrames) << "landed " << e << " frames from the timetag's frame (all: " << all << ")";
    RecordProperty("audio_thread_realtime", realtime ? "yes" : "no");
    if (!realtime)
        GTEST_SKIP() << "no real-time scheduling for JACK here: the landing frame was not judged (never early: checked)";
    if (errors.size() < 3)
        GTEST_SKIP() << "JACK's clock did not keep time in " << trials - int(errors.size()) << " of " << trials
                     << " trials: the landing frame could not be checked (never early: checked)";
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
