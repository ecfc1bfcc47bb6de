// SPDX-License-Identifier: GPL-3.0-or-later
// Morphs run a stretch at a time, as the block processor runs them: they land on their target at
// their end frame, switch steps at the start or the end, and hand over without a jump.
#include "engine/rt/Morphs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>

using backline::engine::Morphs;
using backline::engine::MorphCurve;
using backline::engine::ParamSlot;
using backline::engine::Smoothing;

namespace {

/// Three parameters as a graph holds them: a gain (dB) in a zone, a level ramped by the engine,
/// and a switch.
struct Slots {
    std::array<float, 3> zones {-40.0f, 0.1f, 1.0f};
    std::array<ParamSlot, 3> slots;
    Morphs morphs;

    Slots()
    {
        slots[0] = {&zones[0], {}, Smoothing::Dsp, MorphCurve::Decibel};
        slots[1] = {&zones[1], {}, Smoothing::Engine, MorphCurve::Linear};
        slots[1].smoother.prepare(960, 0.1f);
        slots[2] = {&zones[2], {}, Smoothing::Node, MorphCurve::Step};
        morphs.prepare(slots.size());
    }

    /// Runs from `from` to `to` in stretches as BlockProcessor cuts them (at most `slice`
    /// frames, stopping at morph ends), advancing the engine's ramp as a stage would.
    void run(std::uint64_t from, std::uint64_t to, std::uint32_t slice = 128)
    {
        while (from < to) {
            std::uint64_t end = std::min(to, from + slice);
            if (morphs.active() && morphs.nextEnd() > from)
                end = std::min(end, morphs.nextEnd());
            morphs.advance(slots, from, end);
            zones[1] = slots[1].smoother.advance(std::uint32_t(end - from));
            from = end;
        }
    }
};

} // namespace

TEST(Morphs, EachMorphLandsExactlyOnItsTargetAtItsEndFrame)
{
    Slots s;
    s.morphs.start(s.slots, 0, 0.0f, 1000, 4800);
    s.morphs.start(s.slots, 1, 0.5f, 1000, 2400);
    s.run(1000, 1000 + 2400);
    EXPECT_EQ(s.zones[1], 0.5f) << "the engine's ramp arrives on the morph's last frame";
    EXPECT_LT(s.zones[0], 0.0f);
    s.run(1000 + 2400, 1000 + 4800);
    EXPECT_EQ(s.zones[0], 0.0f);
    EXPECT_TRUE(s.morphs.active()) << "finished at the next stretch, which starts at the end";
    s.run(1000 + 4800, 1000 + 4900);
    EXPECT_FALSE(s.morphs.active());
    EXPECT_EQ(s.zones[0], 0.0f);
    EXPECT_EQ(s.zones[1], 0.5f);
}

TEST(Morphs, ALinearMorphFollowsItsLineAndAStretchAimsAtItsEnd)
{
    Slots s;
    s.morphs.start(s.slots, 1, 0.9f, 0, 800);
    for (std::uint64_t at = 0; at < 800; at += 100) {
        s.run(at, at + 100);
        EXPECT_NEAR(s.zones[1], 0.1f + 0.8f * float(at + 100) / 800.0f, 1e-6f) << "at " << at + 100;
    }
}

TEST(Morphs, ASwitchTurnsOnAtTheStartAndOffAtTheEnd)
{
    Slots s;
    s.zones[2] = 0.0f;
    s.morphs.start(s.slots, 2, 1.0f, 0, 4800);
    EXPECT_EQ(s.zones[2], 1.0f) << "on at once";
    EXPECT_FALSE(s.morphs.active());
    s.morphs.start(s.slots, 2, 0.0f, 100, 4800);
    s.run(100, 100 + 4799);
    EXPECT_EQ(s.zones[2], 1.0f) << "still on one frame before the end";
    s.run(100 + 4799, 100 + 4800 + 1);
    EXPECT_EQ(s.zones[2], 0.0f) << "off at the end";
}

TEST(Morphs, ANewMorphTakesOverFromWhereTheOldOneGot)
{
    Slots s;
    s.morphs.start(s.slots, 1, 0.9f, 0, 1000);
    s.run(0, 500);
    const float halfway = s.zones[1];
    EXPECT_NEAR(halfway, 0.5f, 1e-6f);
    s.morphs.start(s.slots, 1, 0.0f, 500, 500);
    EXPECT_EQ(s.morphs.count(), 1u) << "one morph per parameter";
    s.run(500, 501);
    EXPECT_NEAR(s.zones[1], halfway * (1.0f - 1.0f / 500.0f), 1e-6f) << "from 0.5 down, not from 0.1 or 0.9";
    s.run(501, 1000);
    EXPECT_EQ(s.zones[1], 0.0f);
}

TEST(Morphs, ACancelledMorphStaysWhereItGot)
{
    Slots s;
    s.morphs.start(s.slots, 0, 0.0f, 0, 1000);
    s.run(0, 500);
    const float got = s.zones[0];
    EXPECT_NEAR(got, -20.0f, 1e-4f);
    s.morphs.cancel(0);
    s.run(500, 1500);
    EXPECT_EQ(s.zones[0], got);
    EXPECT_FALSE(s.morphs.active());
}
