// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineFixture.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

const char* session = "backline: 1\ntracks:\n  - name: vox\n    dsp: tone\n";

} // namespace

TEST(ParamControl, SetThenGetReturnsTheNewValue)
{
    backline::test::OfflineSession s(session);
    ASSERT_TRUE(s.control.set("/track/vox/gain", -9.5));
    EXPECT_FLOAT_EQ(s.control.get("/track/vox/gain")->value, -9.5f);
}

TEST(ParamControl, UnknownAddressSuggestsTheClosestOne)
{
    backline::test::OfflineSession s(session);
    auto r = s.control.set("/track/vox/gian", 0.0);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("did you mean '/track/vox/gain'"), std::string::npos) << r.error().message;
}

TEST(ParamControl, RefusesNaNInfinityAndOutOfRangeValuesAndKeepsTheOldValue)
{
    backline::test::OfflineSession s(session);
    ASSERT_TRUE(s.control.set("/track/vox/gain", -3.0));
    for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(), 13.0, -121.0}) {
        auto r = s.control.set("/track/vox/gain", bad);
        EXPECT_FALSE(r) << bad;
    }
    EXPECT_FLOAT_EQ(s.control.get("/track/vox/gain")->value, -3.0f);
    auto r = s.control.set("/track/vox/gain", 20.0);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("-120 to 12 dB"), std::string::npos) << r.error().message;
}

TEST(ParamControl, ToggleAcceptsOnlyZeroOrOne)
{
    backline::test::OfflineSession s(session);
    EXPECT_FALSE(s.control.set("/track/vox/mute", 0.5));
    EXPECT_TRUE(s.control.set("/track/vox/mute", 1.0));
    EXPECT_FLOAT_EQ(s.control.get("/track/vox/mute")->value, 1.0f);
}

// While the JACK server is away nothing runs the engine: a detached control side keeps what
// surfaces set (for the graph the reconnect builds) and sends nothing the engine would hold.
TEST(ParamControl, DetachedItKeepsChangesForTheNextGraphAndSendsNothing)
{
    backline::test::OfflineSession s(session);
    (void)s.render(0.2); // past the tone's start
    const double before = backline::test::rmsDb(s.render(0.2).first);
    s.control.detach();
    ASSERT_TRUE(s.control.set("/track/vox/gain", -12.0));
    const std::vector<std::pair<std::string, double>> bundle {{"/track/vox/pan", -1.0}};
    ASSERT_TRUE(s.control.setBatch(bundle));
    EXPECT_FLOAT_EQ(s.control.get("/track/vox/gain")->value, -12.0f);
    EXPECT_NEAR(backline::test::rmsDb(s.render(0.2).first), before, 0.001) << "a detached change reached the engine";
    EXPECT_EQ(s.engine.droppedCommands(), 0u);
}

// A reload builds the next graph with what surfaces had set (carried()); changes made while it is
// built (a JIT compile takes seconds) reach the old graph only. install() sends them on to the new
// one, where the reload rule would have carried them, so none is lost.
TEST(ParamControl, ChangesMadeWhileTheNextGraphIsBuiltFollowItWhereTheReloadRuleCarriesThem)
{
    backline::test::OfflineSession s(session);
    ASSERT_TRUE(s.control.set("/track/vox/gain", -6.0));
    const auto carried = s.control.carried();
    // The edited file: the tone's frequency changed (the file's value wins), the rest as it was.
    auto spec = backline::session::loadSessionText(std::string(session) + "    params: {freq: 440}\n",
        std::filesystem::path(BACKLINE_TEST_DATA_DIR) / "session.yaml");
    ASSERT_TRUE(spec) << spec.error().message;
    auto next = backline::engine::buildGraph(*spec, s.sampleRate, 256, s.resolver(), carried);
    ASSERT_TRUE(next) << next.error().message;
    // Meanwhile, on the running graph:
    ASSERT_TRUE(s.control.set("/track/vox/gain", -12.0));
    ASSERT_TRUE(s.control.set("/track/vox/pan", -0.5));
    ASSERT_TRUE(s.control.set("/track/vox/dsp/freq", 2000.0));
    s.control.install(std::move(next.value()), nullptr, backline::engine::Swap::Crossfade, carried);
    EXPECT_FLOAT_EQ(s.control.get("/track/vox/gain")->value, -12.0f);
    EXPECT_FLOAT_EQ(s.control.get("/track/vox/pan")->value, -0.5f);
    EXPECT_FLOAT_EQ(s.control.get("/track/vox/dsp/freq")->value, 440.0f) << "the file changed it: the file's value";
    (void)s.render(0.2);
    EXPECT_EQ(s.engine.droppedCommands(), 0u);
    // And the new graph sounds as if the file had said them.
    backline::test::OfflineSession written(std::string(session) + "    gain: -12\n    pan: -0.5\n    params: {freq: 440}\n");
    (void)written.render(0.2);
    const auto heard = s.render(0.2);
    const auto meant = written.render(0.2);
    for (const auto& [got, want] : {std::pair {&heard.first, &meant.first}, std::pair {&heard.second, &meant.second}})
        EXPECT_NEAR(backline::test::toneDb(*got, 440.0, s.sampleRate), backline::test::toneDb(*want, 440.0, s.sampleRate),
            0.01);
}
