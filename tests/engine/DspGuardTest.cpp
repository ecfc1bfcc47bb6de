// SPDX-License-Identifier: GPL-3.0-or-later
// A session's DSP that blows up is silenced block by block and recovers; the rest plays on.
#include "EngineFixture.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <span>

using backline::test::OfflineSession;
using backline::test::peakDb;
using backline::test::settled;
using backline::test::toneDb;

namespace {

const char* session = "backline: 1\n"
                      "tracks:\n"
                      "  - name: wild\n"
                      "    dsp: faust/unstable.dsp\n"
                      "  - name: tone\n"
                      "    dsp: tone\n"
                      "    params: {freq: 1000, level: -20}\n";

std::uint32_t faultsOf(const backline::engine::Graph& graph, const std::string& owner)
{
    for (std::size_t i = 0; i < graph.stages.size(); ++i)
        if (graph.stages[i].label.rfind(owner, 0) == 0)
            return graph.stageFaults[i].load();
    ADD_FAILURE() << "no stage of " << owner;
    return 0;
}

bool allFinite(const std::vector<float>& v)
{
    return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

} // namespace

TEST(DspGuard, ADspThatBlowsUpIsSilencedTheOthersPlayOnAndItRecoversWhenItsSettingComesBack)
{
    OfflineSession s(session, 128);
    const auto& graph = *s.installedGraph();
    auto [l0, r0] = s.render(0.5);
    // 0.1 peak = -20 dBFS; centred, toneDb reads -23.01 on each side (as OfflineRender measures).
    ASSERT_NEAR(toneDb(settled(l0), 440.0, 48000.0), -23.01, 0.1);
    EXPECT_EQ(faultsOf(graph, "track 'wild'"), 0u);

    ASSERT_TRUE(s.control.set("/track/wild/dsp/feedback", 2.0));
    auto [l1, r1] = s.render(1.0);
    EXPECT_TRUE(allFinite(l1) && allFinite(r1));
    EXPECT_LE(peakDb(l1), 0.0);
    // Every block after the first few blows up again: all of them silenced and counted.
    EXPECT_GT(faultsOf(graph, "track 'wild'"), 300u);
    EXPECT_EQ(faultsOf(graph, "track 'tone'"), 0u);
    const std::span<const float> later(l1.data() + 24000, 24000);
    EXPECT_LT(toneDb(later, 440.0, 48000.0), -100.0) << "the broken track is silent";
    EXPECT_NEAR(toneDb(later, 1000.0, 48000.0), -23.01, 0.1) << "the other track plays on untouched";

    ASSERT_TRUE(s.control.set("/track/wild/dsp/feedback", 0.0));
    auto [l2, r2] = s.render(1.0);
    EXPECT_NEAR(toneDb(settled(l2), 440.0, 48000.0), -23.01, 0.1) << "its state was reset: it plays again";
}
