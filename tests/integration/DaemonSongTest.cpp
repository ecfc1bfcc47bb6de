// SPDX-License-Identifier: GPL-3.0-or-later
// Songs end to end: backlined on a real jackd (dummy backend) leading JACK's transport, a song
// cued and played over OSC by a real client, heard by a JACK client that reads JACK's transport
// frame of the very sample a section's scene changes.
#include "ShowLive.h"
#include "WaitFor.h"

#include <jack/transport.h>

#include <gtest/gtest.h>

#include <iostream>

using namespace backline;
using namespace backline::test;
using namespace std::chrono_literals;

TEST(DaemonSong, ASectionsSceneChangesOnTheFirstSampleOfItsBarOfJacksTransport)
{
    const std::string dc = std::string(BACKLINE_TEST_DATA_DIR) + "/faust/dc_level.dsp";
    LiveDaemon d("backline: 1\nname: gig\ntransport: {tempo: 120, meter: [4, 4], jack: lead}\ntracks:\n"
                 "  - {name: dc, dsp: "
        + dc
        + ", params: {level: 0.5}}\nscenes:\n  open: {/track/dc/mute: 0}\n  muted: {/track/dc/mute: 1}\n"
          "songs:\n  - name: opener\n    sections:\n      - {name: intro, bars: 1, scene: open}\n"
          "      - {name: verse, bars: 2, scene: muted}\n");
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    const float level = steadyLevel(listener);
    ASSERT_GT(level, 0.1f);

    // A cycle JACK runs without backline (an xrun: the dummy driver on a loaded machine) that
    // holds the bar line leaves the change to the next cycle backline runs: only then is the
    // trial repeated (at most five times, and said); a miss without an xrun fails at once.
    constexpr int trials = 5;
    for (int trial = 1; trial <= trials; ++trial) {
        if (trial > 1) {
            // JACK's transport leads: the cue below asks it back to 0 s.
            ASSERT_TRUE(ask(c, "/transport/stop"));
            ASSERT_TRUE(ask(c, "/scene/recall", {s("open")}));
            ASSERT_TRUE(waitFor([&] {
                const auto heardNow = listener.capture(20ms).first;
                return !heardNow.empty() && heardNow.back() == level;
            }, defaultWait, 10ms)) << "the track sounds again before the trial";
        }
        auto cued = ask(c, "/setlist/goto", {s("opener")});
        ASSERT_TRUE(cued);
        ASSERT_EQ(cued->address, "/setlist/cued") << cued->text(1);
        ASSERT_TRUE(waitFor([&] {
            auto status = ask(c, "/arrangement/status");
            auto at = c.request("/transport/position");
            return status && status->text(0) == "opener" && status->text(2) == "intro" && status->number(6) == 0.0
                && at && at->address == "/transport/position" && at->number(0) == 0.0 && at->text(5) == "stopped";
        }, defaultWait, 10ms)) << "the song is cued, JACK's transport at its start";
        listener.watchForChange(level, 1e-4f);
        const std::uint64_t xrunsBefore = listener.xruns();
        ASSERT_TRUE(ask(c, "/transport/play"));
        auto change = listener.waitForChange(20000ms);
        ASSERT_TRUE(change) << "the verse's mute was heard";
        ASSERT_GE(change->transportFrame, 0) << "while JACK's transport rolled";
        // 120 BPM in 4/4 at 48 kHz: the intro's one bar is 96,000 frames from the song's start.
        const std::int64_t heard = change->transportFrame - masterLatency;
        const std::uint64_t xruns = listener.xruns() - xrunsBefore;
        if (heard != 96000 && xruns > 0 && trial < trials) {
            std::cout << "trial " << trial << ": JACK reported " << xruns << " xrun(s) in the song; the verse was heard "
                      << heard - 96000 << " frames past bar 2. Repeating.\n";
            continue;
        }
        EXPECT_EQ(heard, 96000) << "the verse starts on bar 2's first sample (trial " << trial << ", " << xruns
                                << " xrun(s) during it)";
        break;
    }

    // What the control side learns from the audio thread (within a poll or two).
    EXPECT_TRUE(waitFor([&] {
        auto status = ask(c, "/arrangement/status");
        return status && status->text(2) == "verse";
    }, defaultWait, 10ms));
    EXPECT_TRUE(waitFor([&] {
        auto mute = c.request("/track/dc/mute");
        return mute && mute->number(0) == 1.0;
    }, defaultWait, 10ms)) << "the section's scene is the parameters' value";
    EXPECT_TRUE(waitFor([&] {
        auto current = ask(c, "/scene/current");
        return current && current->text(0) == "muted";
    }, defaultWait, 10ms)) << "and the current scene";

    // Cued again after a stop, the song's start is asked of JACK's transport too.
    ASSERT_TRUE(ask(c, "/transport/stop"));
    ASSERT_TRUE(waitFor([&] {
        auto at = c.request("/transport/position");
        return at && at->text(5) == "stopped" && at->number(0) > 2.0;
    }, defaultWait, 10ms)) << "stopped in the verse";
    ASSERT_TRUE(ask(c, "/setlist/goto", {s("opener")}));
    EXPECT_TRUE(waitFor([&] {
        auto at = c.request("/transport/position");
        return at && at->number(0) == 0.0;
    }, defaultWait, 10ms)) << "JACK's transport went back to the song's start";
    jack_position_t jackPosition {};
    EXPECT_EQ(jack_transport_query(listener.client(), &jackPosition), JackTransportStopped);
    EXPECT_EQ(jackPosition.frame, 0u) << "as JACK's own clients see it";
}

TEST(DaemonSong, BadSongRequestsAreRefusedAndTheShowGoesOn)
{
    LiveDaemon d("backline: 1\ntracks:\n  - {name: t, dsp: tone}\nscenes:\n  a: {/track/t/gain: -6}\n"
                 "songs:\n  - name: opener\n    sections: [{name: intro, bars: 2, scene: a}]\n");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    for (auto [address, args, words] : std::vector<std::tuple<std::string, std::vector<control::OscReply::Arg>, std::string>> {
             {"/arrangement/next", {}, "no song is cued"},
             {"/setlist/goto", {s("closer")}, "no song 'closer'"},
             {"/setlist/goto", {7}, "places 0 to 0, got 7"},
             {"/setlist/goto", {s("opener"), s("soon")}, "when must be"},
             {"/arrangement/loop", {3}, "expects 1"},
         }) {
        auto reply = ask(c, address, args);
        ASSERT_TRUE(reply) << address;
        EXPECT_EQ(reply->address, "/error") << address;
        EXPECT_NE(reply->text(1).find(words), std::string::npos) << reply->text(1);
    }
    ASSERT_TRUE(ask(c, "/setlist/goto", {s("opener")}));
    ASSERT_TRUE(waitFor([&] {
        auto status = ask(c, "/arrangement/status");
        return status && status->text(0) == "opener";
    }, defaultWait, 10ms));
    auto bad = ask(c, "/arrangement/goto", {s("outro")});
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->address, "/error");
    EXPECT_EQ(bad->text(1), "song 'opener' has no section 'outro' (did you mean 'intro'?)");
    EXPECT_TRUE(d.osc->waitForPong(2000ms)) << "still answering";
}
