// SPDX-License-Identifier: GPL-3.0-or-later
// Buses, sends, routing, solo and the built-ins' own controls in session files.
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace backline::session;

namespace {

std::string errorOf(const std::string& yaml)
{
    auto r = loadSessionText(yaml, "mix.yaml");
    return r ? std::string("(loaded)") : r.error().message;
}

const char* buses = "buses:\n  - name: verb\n    dsp: reverb\n    solo_safe: true\n  - name: drums\n    kind: group\n";

} // namespace

TEST(SessionBuses, ReadsBusesSendsOutputsSoloAndBuiltinControls)
{
    auto s = loadSessionText(std::string("backline: 1\ntracks:\n  - name: kick\n    output: drums\n    solo: yes\n"
                                         "    strip: {eq/low/gain: 3, comp/on: 1}\n"
                                         "    sends:\n      - {bus: verb, level: -12, pre: true}\n")
            + buses + "master:\n  chain: {limiter/ceiling: -1}\n",
        "mix.yaml");
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->buses.size(), 2u);
    EXPECT_EQ(s->buses[0].name, "verb");
    EXPECT_EQ(s->buses[0].kind, BusSpec::Kind::Aux);
    EXPECT_TRUE(s->buses[0].soloSafe);
    EXPECT_EQ(s->buses[0].dsp.builtin, "reverb");
    EXPECT_EQ(s->buses[1].kind, BusSpec::Kind::Group);
    const auto& kick = s->tracks[0];
    EXPECT_EQ(kick.output, "drums");
    EXPECT_TRUE(kick.solo);
    ASSERT_EQ(kick.strip.size(), 2u);
    EXPECT_EQ(kick.strip[0].path, "eq/low/gain");
    ASSERT_EQ(kick.sends.size(), 1u);
    EXPECT_EQ(kick.sends[0].bus, "verb");
    EXPECT_DOUBLE_EQ(kick.sends[0].levelDb, -12.0);
    EXPECT_TRUE(kick.sends[0].pre);
    ASSERT_EQ(s->master.chain.size(), 1u);
    EXPECT_EQ(s->master.chain[0].path, "limiter/ceiling");
}

TEST(SessionBuses, OutputMasterMeansTheMaster)
{
    auto s = loadSessionText("backline: 1\ntracks:\n  - name: a\n    output: master\n", "mix.yaml");
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->tracks[0].output.empty());
}

TEST(SessionBuses, SendToAnUnknownBusPointsAtItAndListsTheAuxBuses)
{
    EXPECT_EQ(errorOf(std::string("backline: 1\ntracks:\n  - name: a\n    sends:\n      - {bus: vreb}\n") + buses),
        "mix.yaml:5:15: track 'a' sends to unknown bus 'vreb' (aux buses: verb)");
}

TEST(SessionBuses, SendToAGroupBusIsRefused)
{
    const auto e = errorOf(std::string("backline: 1\ntracks:\n  - name: a\n    sends:\n      - {bus: drums}\n") + buses);
    EXPECT_NE(e.find("mix.yaml:5:15: track 'a' sends to group bus 'drums'"), std::string::npos) << e;
}

TEST(SessionBuses, OutputToAnAuxBusIsRefused)
{
    const auto e = errorOf(std::string("backline: 1\ntracks:\n  - name: a\n    output: verb\n") + buses);
    EXPECT_NE(e.find("mix.yaml:4:13: track 'a' outputs to aux bus 'verb'"), std::string::npos) << e;
}

TEST(SessionBuses, OutputToAnUnknownBusIsRefused)
{
    const auto e = errorOf(std::string("backline: 1\ntracks:\n  - name: a\n    output: drms\n") + buses);
    EXPECT_NE(e.find("mix.yaml:4:13: track 'a' outputs to unknown bus 'drms' (group buses: drums; or 'master')"),
        std::string::npos)
        << e;
}

TEST(SessionBuses, DuplicateBusNamesAreRefused)
{
    const auto e = errorOf("backline: 1\ntracks: []\nbuses:\n  - name: fx\n  - name: fx\n");
    EXPECT_NE(e.find("mix.yaml:5:11: duplicate bus name 'fx'"), std::string::npos) << e;
}

TEST(SessionBuses, UnknownBusKindAndKeysAreRefused)
{
    EXPECT_NE(errorOf("backline: 1\ntracks: []\nbuses:\n  - name: fx\n    kind: bux\n").find("mix.yaml:5:11: 'kind' must be"),
        std::string::npos);
    EXPECT_NE(errorOf("backline: 1\ntracks: []\nbuses:\n  - name: fx\n    sollo: true\n").find("mix.yaml:5:5: unknown key 'sollo'"),
        std::string::npos);
}

TEST(SessionBuses, SendsMustBeAListOfMapsWithABus)
{
    EXPECT_NE(errorOf("backline: 1\ntracks:\n  - name: a\n    sends: verb\n").find("mix.yaml:4:12: 'sends' of track 'a' must be a list"),
        std::string::npos);
    EXPECT_NE(errorOf("backline: 1\ntracks:\n  - name: a\n    sends:\n      - {level: -3}\n").find("has no 'bus'"),
        std::string::npos);
    EXPECT_NE(errorOf(std::string("backline: 1\ntracks:\n  - name: a\n    sends:\n      - {bus: verb, level: 40}\n") + buses)
                  .find("mix.yaml:5:28: 'level' must be a number in dB"),
        std::string::npos);
}

TEST(SessionBuses, TheSameBusTwiceInOneTracksSendsIsRefused)
{
    const auto e = errorOf(
        std::string("backline: 1\ntracks:\n  - name: a\n    sends:\n      - {bus: verb}\n      - {bus: verb}\n") + buses);
    EXPECT_NE(e.find("mix.yaml:6:15: track 'a' sends to bus 'verb' twice"), std::string::npos) << e;
}

TEST(SessionBuses, SleepIsSecondsOfSilenceOrNever)
{
    auto s = loadSessionText(std::string("backline: 1\ntracks: []\nbuses:\n  - name: verb\n    dsp: reverb\n    sleep: 2.5\n"
                                         "  - name: looper\n    sleep: never\n  - name: echo\n"),
        "mix.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->buses[0].sleepSeconds, 2.5);
    EXPECT_TRUE(std::isinf(s->buses[1].sleepSeconds));
    EXPECT_EQ(s->buses[2].sleepSeconds, backline::config::busSleepSeconds);
    for (const char* bad : {"0", "-1", "3601", "soon", "[1]", "nan"}) {
        const auto e = errorOf(std::string("backline: 1\ntracks: []\nbuses:\n  - name: fx\n    sleep: ") + bad + "\n");
        EXPECT_NE(e.find("mix.yaml:5:12: 'sleep' must be the seconds of silence after which the bus's DSP stops (0.1 … 3600) "
                         "or 'never', got '"),
            std::string::npos)
            << bad << ": " << e;
    }
}
