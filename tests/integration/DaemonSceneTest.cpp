// SPDX-License-Identifier: GPL-3.0-or-later
// Scenes end to end: backlined on a real jackd (dummy backend), steered over OSC by a real
// client, what it plays heard by a JACK client: recall and read back, safes and undo, a recall
// of over a thousand values in one block, a morph at the output, a recall on the bar's first
// sample, and bad input refused with nothing changed.
#include "GainMeasure.h"
#include "ShowLive.h"
#include "WaitFor.h"

#include <gtest/gtest.h>

#include <iostream>

#include <cmath>
#include <map>
#include <set>

using namespace backline;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// A parameter's value as a get answers it.
float valueOf(RawOscClient& c, const std::string& address)
{
    auto m = c.request(address);
    return m && m->address == address ? float(m->number(0)) : NAN;
}

} // namespace

TEST(DaemonScene, ARecallPutsBackTenChangedValuesButTheSafeOneAndUndoRestoresThem)
{
    LiveDaemon d;
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    const std::map<std::string, float> changed {{"/track/tone/gain", -10.0f}, {"/track/tone/pan", 0.5f},
        {"/track/tone/trim", 3.0f}, {"/track/tone/eq/low/gain", 4.0f}, {"/track/tone/eq/mid1/gain", -4.0f},
        {"/track/tone/eq/mid1/freq", 800.0f}, {"/track/tone/comp/threshold", -30.0f}, {"/track/tone/hpf/freq", 120.0f},
        {"/track/tone/dsp/freq", 440.0f}, {"/master/gain", -3.0f}};
    std::map<std::string, float> stored;
    for (const auto& [address, value] : changed)
        stored[address] = valueOf(c, address);
    auto reply = ask(c, "/scene/store", {s("a")});
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/scene/stored") << reply->text(1);
    EXPECT_GT(reply->number(1), 30.0) << "every parameter of the session";
    for (const auto& [address, value] : changed)
        c.send(address, {value});
    for (const auto& [address, value] : changed)
        ASSERT_EQ(valueOf(c, address), value) << address;
    ASSERT_TRUE(ask(c, "/scene/safe", {s("/track/tone/pan"), 1}));

    reply = ask(c, "/scene/recall", {s("a")});
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/scene/recalled") << reply->text(1);
    const auto state = readState(c);
    ASSERT_FALSE(state.empty());
    for (const auto& [address, value] : stored) {
        const float expected = address == "/track/tone/pan" ? changed.at(address) : value;
        EXPECT_EQ(valueOf(c, address), expected) << address << " read back";
        ASSERT_TRUE(state.count(address)) << address;
        EXPECT_EQ(state.at(address), expected) << address << " in /state";
    }
    auto current = ask(c, "/scene/current");
    ASSERT_TRUE(current);
    EXPECT_EQ(current->text(0), "a");
    EXPECT_EQ(current->number(1), 0.0);

    reply = ask(c, "/scene/undo");
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/scene/undone") << reply->text(1);
    for (const auto& [address, value] : changed)
        EXPECT_EQ(valueOf(c, address), value) << address << ": the value from before the recall";
}

TEST(DaemonScene, BadInputIsAnsweredWithAnErrorAndNothingChanges)
{
    LiveDaemon d(std::string(toneSessionYaml) + "scenes:\n  verse: {/track/tone/gain: -6}\n");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    c.send("/track/tone/gain", {-20.0f});
    const auto before = readState(c);
    ASSERT_EQ(before.at("/track/tone/gain"), -20.0f);
    struct Case {
        std::string address;
        std::vector<control::OscReply::Arg> args;
        std::string words;
    };
    const std::vector<Case> cases {
        {"/scene/recall", {s("chorus")}, "unknown scene 'chorus'"},
        {"/scene/recall", {s("verse"), -1.0f}, "a fade must be from 0 to 3600 seconds"},
        {"/scene/recall", {s("verse"), float(NAN)}, "a fade must be"},
        {"/scene/recall", {s("verse"), 1e7f}, "a fade must be"},
        {"/scene/recall", {s("verse"), 0.0f, s("later")}, "when must be now, beat or bar"},
        {"/scene/recall", {42}, "expects a scene's name"},
        {"/scene/store", {s("x"), s("/track/drums/*")}, "matches no parameter"},
        {"/scene/safe", {s("/bus/*"), 1}, "matches no parameter"},
        {"/scene/edit", {s("verse"), s("/track/tone/gian"), 0.0f}, "did you mean '/track/tone/gain'"},
        {"/scene/edit", {s("verse"), s("/track/tone/gain"), 50.0f}, "out of range"},
    };
    for (const auto& k : cases) {
        auto reply = ask(c, k.address, k.args);
        ASSERT_TRUE(reply) << k.address;
        ASSERT_EQ(reply->address, "/error") << k.address << ": " << k.words;
        EXPECT_NE(reply->text(1).find(k.words), std::string::npos) << k.address << ": " << reply->text(1);
    }
    // A file whose scene names an unknown parameter does not load: the reload says where.
    d.dir.write("session.yaml", std::string(toneSessionYaml) + "scenes:\n  verse: {/track/tone/gian: -6}\n");
    auto reload = c.request("/session/reload", 30s);
    ASSERT_TRUE(reload);
    ASSERT_EQ(reload->address, "/error");
    EXPECT_NE(reload->text(1).find("session.yaml:8:29: scene 'verse' sets unknown parameter '/track/tone/gian' (did "
                                   "you mean '/track/tone/gain'?)"),
        std::string::npos)
        << reload->text(1);
    EXPECT_EQ(readState(c), before) << "nothing changed";
    auto list = ask(c, "/scene/list");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->args.size(), 1u);
    EXPECT_EQ(list->text(0), "verse") << "the running session's scenes stay";
    // Nor does it start.
    Process p({backlinedPath().string(), "--session", d.session.string(), "--render",
                  (d.dir.path() / "o.wav").string(), "--cache-dir", (d.dir.path() / "cache").string()},
        d.dir.path() / "bad.log");
    EXPECT_EQ(p.wait(60s), 2) << p.output();
    EXPECT_NE(p.output().find("session.yaml:8:29: scene 'verse' sets unknown parameter"), std::string::npos) << p.output();
}

namespace {

/// Three DC tracks that cancel (a at 0.6; b and c at 0.3, inverted), b among and c after 36
/// silent tracks, and scene "loud": a, b and c raised in proportion (the sum stays silent only if
/// all three ramps start on one frame) and 28 strip, fader and send values for each silent
/// track — 1,011 values, a and b and c at its start, middle and end.
std::string thousandValueSession()
{
    const std::string dc = std::string(BACKLINE_TEST_DATA_DIR) + "/faust/dc_level.dsp";
    std::string yaml = "backline: 1\nname: big\ntracks:\n  - {name: a, dsp: " + dc + ", params: {level: 0.6}}\n";
    std::string scene = "    /track/a/dsp/level: 0.9\n";
    const char* strip[][2] = {{"gain", "-10"}, {"pan", "0.1"}, {"trim", "1"}, {"hpf/freq", "90"},
        {"eq/low/gain", "1"}, {"eq/low/freq", "120"}, {"eq/low/q", "0.8"}, {"eq/mid1/gain", "1"},
        {"eq/mid1/freq", "600"}, {"eq/mid1/q", "1.2"}, {"eq/mid2/gain", "1"}, {"eq/mid2/freq", "3000"},
        {"eq/mid2/q", "1.3"}, {"eq/high/gain", "1"}, {"eq/high/freq", "9000"}, {"eq/high/q", "0.8"},
        {"comp/threshold", "-25"}, {"comp/ratio", "3"}, {"comp/knee", "2"}, {"comp/attack", "12"},
        {"comp/release", "120"}, {"comp/makeup", "1"}, {"gate/threshold", "-60"}, {"gate/range", "50"},
        {"gate/attack", "2"}, {"gate/hold", "40"}, {"gate/release", "160"}, {"send/fx/level", "-20"}};
    for (int t = 0; t < 36; ++t) {
        const std::string name = "s" + std::to_string(t);
        yaml += "  - {name: " + name + "}\n";
        for (const auto& [path, value] : strip)
            scene += "    /track/" + name + "/" + path + ": " + value + "\n";
        if (t == 17) {
            yaml += "  - {name: b, dsp: " + dc + ", params: {level: 0.3}, strip: {polarity: 1}}\n";
            scene += "    /track/b/dsp/level: 0.45\n";
        }
    }
    yaml += "  - {name: c, dsp: " + dc + ", params: {level: 0.3}, strip: {polarity: 1}}\n";
    scene += "    /track/c/dsp/level: 0.45\n";
    return yaml + "buses:\n  - name: fx\nscenes:\n  loud:\n" + scene;
}

} // namespace

TEST(DaemonScene, ARecallOfOverAThousandValuesLandsInOneBlock)
{
    LiveDaemon d(thousandValueSession());
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    auto got = ask(c, "/scene/get", {s("loud")});
    ASSERT_TRUE(got);
    ASSERT_EQ(got->address, "/scene/get");
    const std::size_t count = (got->args.size() - 1) / 2;
    ASSERT_EQ(count, 1011u);
    ASSERT_TRUE(listener.waitCycles(113)); // 300 ms of audio: the levels have settled
    auto [quiet, quietR] = listener.capture(100ms);
    ASSERT_LT(peakAbs(quiet), 1e-5f) << "the three tracks cancel";

    // a, b and c are the scene's 1st, 524th and 1,011th values: if the batch straddled two
    // blocks, their ramps would start apart and the sum would leave silence for a block.
    listener.watchForChange(0.0f, 1e-4f);
    auto recalled = ask(c, "/scene/recall", {s("loud")});
    ASSERT_TRUE(recalled);
    ASSERT_EQ(recalled->address, "/scene/recalled") << recalled->text(1);
    ASSERT_TRUE(listener.waitCycles(40)); // the 20 ms ramps are over
    EXPECT_FALSE(listener.changeSeen()) << "a, b and c moved together";
    const auto state = readState(c);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string address = got->text(1 + 2 * i);
        ASSERT_TRUE(state.count(address)) << address;
        EXPECT_FLOAT_EQ(state.at(address), float(got->number(2 + 2 * i))) << address;
    }
    // The control: the same three changes as separate sets, each once the one before was taken
    // and JACK ran two more cycles, land in different blocks, and the watch sees it.
    for (auto [address, value] : {std::pair {"/track/a/dsp/level", 0.6f}, std::pair {"/track/b/dsp/level", 0.3f},
             std::pair {"/track/c/dsp/level", 0.3f}}) {
        c.send(address, {value});
        ASSERT_EQ(valueOf(c, address), value);
        ASSERT_TRUE(listener.waitCycles(2));
    }
    EXPECT_TRUE(listener.waitForChange(5000ms)) << "the watch sees changes a block apart";
}

TEST(DaemonScene, AFadedRecallRisesMonotonicallyAtTheOutputAndLandsOnTime)
{
    // x: a 1 kHz tone at -40 dB on the left; ref: the same tone at 0 dB on the right. x's gain is
    // left over right, frame by frame (tests/support/GainMeasure.h).
    LiveDaemon d(R"(backline: 1
name: morph
transport: {tempo: 30}
tracks:
  - {name: x, dsp: tone, params: {freq: 1000, level: -20}, gain: -40, pan: -1}
  - {name: ref, dsp: tone, params: {freq: 1000, level: -20}, pan: 1}
scenes:
  up: {/track/x/gain: 0}
)");
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    // Recalled on the next bar line, the fade starts on a frame of its own whatever the machine's
    // speed, so it can be captured with JACK freewheeling (no block dropped or repeated). At 30
    // BPM a bar lasts 8 s: asked in bar 1's first beat, the line is at least 6 s of audio away,
    // more than a loaded machine takes between the question and the capture's start.
    ASSERT_TRUE(ask(c, "/transport/play"));
    ASSERT_TRUE(waitFor([&] {
        const auto w = where(c);
        return w.state == "rolling" && w.bar == 1 && w.beat == 1 && w.frame > 0;
    }, defaultWait, 10ms));
    auto recalled = ask(c, "/scene/recall", {s("up"), 1.0f, s("bar")});
    ASSERT_TRUE(recalled);
    ASSERT_EQ(recalled->address, "/scene/recalled") << recalled->text(1);
    auto [left, right] = listener.captureFreewheeling(10 * 48000);
    const auto g = gain::gainDb(left, right);
    ASSERT_NEAR(gain::levelAt(g, 0, 480), -40.0, 0.05) << "the capture starts before the fade";
    ASSERT_NEAR(gain::levelAt(g, g.size() - 480, g.size()), 0.0, 0.05) << "and ends after it";

    // The fade's start and length, from a straight line through its middle (-30 … -10 dB): the
    // fader's own 20 ms smoother follows the morph a few frames behind, from start to end alike.
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < g.size(); ++i)
        if (!std::isnan(g[i]) && g[i] > -30.0 && g[i] < -10.0) {
            n += 1;
            sx += double(i);
            sy += g[i];
            sxx += double(i) * double(i);
            sxy += double(i) * g[i];
        }
    ASSERT_GT(n, 10000.0) << "half a second of the fade, where the reference is loud enough to divide by";
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    const double start = (-40.0 - (sy - slope * sx) / n) / slope;
    EXPECT_NEAR(40.0 / slope, 48000.0, 128.0) << "a 1 s fade, in a straight line in dB";
    std::size_t firstWithin = SIZE_MAX;
    double last = -1000.0;
    for (std::size_t i = std::size_t(std::max(0.0, start - 480)); i < g.size(); ++i) {
        if (std::isnan(g[i]))
            continue;
        ASSERT_GE(g[i], last - 1e-4) << "fell at frame " << i << " of the capture";
        last = g[i];
        if (firstWithin == SIZE_MAX && std::fabs(g[i]) <= 0.05)
            firstWithin = i;
    }
    ASSERT_NE(firstWithin, SIZE_MAX);
    EXPECT_NEAR(double(firstWithin) - start, 48000.0, 128.0) << "0 dB within 0.05 dB, 1 s after the start";
    EXPECT_LE(gain::maxStep(g), gain::morphBound(-40.0, 0.0, 1.0)) << "no step beyond the smoothing bound";
    EXPECT_EQ(valueOf(c, "/track/x/gain"), 0.0f);
}

TEST(DaemonScene, ARecallOnTheBarLandsOnTheBarsFirstSample)
{
    // JACK's transport leads backline's (transport.jack: lead), so the JACK client that hears the
    // change reads the transport frame of the very sample.
    const std::string dc = std::string(BACKLINE_TEST_DATA_DIR) + "/faust/dc_level.dsp";
    LiveDaemon d("backline: 1\nname: bars\ntransport: {tempo: 120, meter: [4, 4], jack: lead}\ntracks:\n"
                 "  - {name: dc, dsp: "
            + dc + ", params: {level: 0.5}}\nscenes:\n  muted: {/track/dc/mute: 1}\n  open: {/track/dc/mute: 0}\n");
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    const float level = steadyLevel(listener);
    ASSERT_GT(level, 0.1f);
    ASSERT_TRUE(ask(c, "/transport/play"));
    // The audio thread finds the line from the transport as it stands at each cycle, so cycles
    // JACK runs without backline (xruns: the dummy driver on a loaded machine) while the recall
    // waits do not move it off JACK's line. Only when the cycle holding the line itself ran
    // without backline does it land later (on the first sample backline ran after it): only
    // then, with JACK reporting an xrun, is the trial repeated (at most five times, and said).
    constexpr int trials = 5;
    for (int trial = 1; trial <= trials; ++trial) {
        ASSERT_TRUE(ask(c, "/scene/recall", {s("open")}));
        ASSERT_TRUE(waitFor([&] {
            const auto heardNow = listener.capture(20ms).first;
            return !heardNow.empty() && heardNow.back() == level;
        }, defaultWait, 10ms))
            << "the track sounds again before the trial";
        if (trial > 1) {
            // A quiet spell first (up to 5 s): xruns on a starved machine come in runs.
            const auto until = std::chrono::steady_clock::now() + 5s;
            for (std::uint64_t seen = listener.xruns(); std::chrono::steady_clock::now() < until; seen = listener.xruns()) {
                listener.waitCycles(150);
                if (listener.xruns() == seen)
                    break;
            }
        }
        Where asked;
        ASSERT_TRUE(waitFor([&] {
            asked = where(c);
            return asked.state == "rolling" && asked.beat == 2;
        }, defaultWait, 10ms)) << "mid-bar";
        listener.watchForChange(level, 1e-4f);
        const std::uint64_t xrunsBefore = listener.xruns();
        auto recalled = ask(c, "/scene/recall", {s("muted"), s("bar")});
        ASSERT_TRUE(recalled);
        ASSERT_EQ(recalled->address, "/scene/recalled") << recalled->text(1);
        auto change = listener.waitForChange(10000ms);
        ASSERT_TRUE(change) << "the mute was heard";
        ASSERT_GE(change->transportFrame, 0) << "while JACK's transport rolled";
        // 120 BPM in 4/4 at 48 kHz: a bar is 96,000 frames, bar 1 on frame 0.
        const std::int64_t heard = change->transportFrame - masterLatency;
        const std::uint64_t xruns = listener.xruns() - xrunsBefore;
        if (heard % 96000 != 0 && xruns > 0 && trial < trials) {
            std::cout << "trial " << trial << ": JACK reported " << xruns << " xrun(s) between the request and the bar; "
                      << "the change landed " << heard % 96000 << " frames past it. Repeating.\n";
            continue;
        }
        EXPECT_EQ(heard % 96000, 0) << "transport frame " << heard << " is not a bar line (trial " << trial << ", "
                                    << xruns << " xrun(s) during it)";
        EXPECT_GT(heard, asked.frame) << "the next bar line, not one before the request";
        EXPECT_LE(heard, asked.frame + 2 * 96000);
        break;
    }
}
