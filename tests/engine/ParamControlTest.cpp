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
    ASSERT_TRUE(s.control.setMany(bundle));
    EXPECT_FLOAT_EQ(s.control.get("/track/vox/gain")->value, -12.0f);
    EXPECT_NEAR(backline::test::rmsDb(s.render(0.2).first), before, 0.001) << "a detached change reached the engine";
    EXPECT_EQ(s.engine.droppedCommands(), 0u);
}
