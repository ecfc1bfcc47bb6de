// SPDX-License-Identifier: GPL-3.0-or-later
// MidiMapper: 7-bit, 14-bit and NRPN controllers, notes and program changes into actions;
// soft takeover; feedback messages.
#include "control/midi/MidiMapper.h"

#include <gtest/gtest.h>

#include <map>

namespace backline::control {
namespace {

using midi::Curve;
using Kind = midi::MidiSource::Kind;

BoundMapping bound(Kind kind, int number, std::string address, Curve curve, double min, double max, bool pickup = false,
    int channel = 0)
{
    BoundMapping b;
    b.mapping.source = {kind, number, channel};
    b.mapping.address = std::move(address);
    b.mapping.pickup = pickup;
    b.range = {curve, min, max};
    return b;
}

/// A mapper with a table of current values; handle() returns the actions of one message.
struct Fixture {
    MidiMapper mapper;
    std::map<std::string, double> values;
    std::vector<MidiAction> handle(const midi::MidiMessage& m)
    {
        std::vector<MidiAction> out;
        mapper.handle(
            m,
            [&](const std::string& a) -> std::optional<double> {
                auto it = values.find(a);
                return it == values.end() ? std::nullopt : std::optional<double>(it->second);
            },
            out);
        for (const auto& action : out)
            if (action.kind == MidiAction::Kind::Set)
                values[action.target] = action.value;
        return out;
    }
};

TEST(MidiMapper, ASevenBitControllerMovesItsParameterOverTheRange)
{
    Fixture f;
    f.mapper.setMappings({bound(Kind::Cc, 7, "/p", Curve::Linear, -1.0, 1.0)});
    auto out = f.handle(midi::controlChange(0, 7, 127));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].target, "/p");
    EXPECT_DOUBLE_EQ(out[0].value, 1.0);
    out = f.handle(midi::controlChange(3, 7, 0));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_DOUBLE_EQ(out[0].value, -1.0);
    EXPECT_TRUE(f.handle(midi::controlChange(0, 8, 64)).empty()) << "another controller moved it";
}

TEST(MidiMapper, AChannelledMappingHearsOnlyItsChannel)
{
    Fixture f;
    f.mapper.setMappings({bound(Kind::Cc, 7, "/p", Curve::Linear, 0.0, 1.0, false, 2)});
    EXPECT_TRUE(f.handle(midi::controlChange(0, 7, 127)).empty());
    EXPECT_EQ(f.handle(midi::controlChange(1, 7, 127)).size(), 1u) << "channel 2 is MIDI's byte 0xB1";
}

TEST(MidiMapper, AFourteenBitPairGivesFourteenBitsWithoutSteppingThroughSevenBits)
{
    Fixture f;
    f.mapper.setMappings({bound(Kind::Cc14, 1, "/p", Curve::Linear, 0.0, 16383.0)});
    auto out = f.handle(midi::controlChange(0, 1, 64));
    ASSERT_EQ(out.size(), 1u) << "an MSB before any LSB acts: the controller may send none";
    out = f.handle(midi::controlChange(0, 33, 5));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NEAR(out[0].value, 64 * 128 + 5, 1e-9);
    // Once its LSB has come, an MSB waits for the LSB: no step to 64 * 128 and back.
    EXPECT_TRUE(f.handle(midi::controlChange(0, 1, 65)).empty());
    out = f.handle(midi::controlChange(0, 33, 127));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NEAR(out[0].value, 65 * 128 + 127, 1e-9);
}

TEST(MidiMapper, AControllerThatSendsNoLsbStillReachesTheTop)
{
    Fixture f;
    f.mapper.setMappings({bound(Kind::Cc14, 1, "/p", Curve::Linear, 0.0, 16383.0)});
    auto out = f.handle(midi::controlChange(2, 1, 127));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NEAR(out[0].value, 16383.0, 1e-9);
}

TEST(MidiMapper, KnobsKeepWhatTheyWereDoingWhenTheMappingsChange)
{
    Fixture f;
    f.values["/p"] = 0.5;
    f.mapper.setMappings({bound(Kind::Cc, 7, "/p", Curve::Linear, 0.0, 1.0, true),
        bound(Kind::Cc, 64, "/hold", Curve::Momentary, 0.0, 1.0)});
    f.handle(midi::controlChange(0, 7, 60));
    ASSERT_EQ(f.handle(midi::controlChange(0, 7, 70)).size(), 1u) << "picked up";
    ASSERT_EQ(f.handle(midi::controlChange(0, 64, 127)).size(), 1u) << "held";
    // Another control is mapped: these two go on as they were.
    f.mapper.setMappings({bound(Kind::Cc, 7, "/p", Curve::Linear, 0.0, 1.0, true),
        bound(Kind::Cc, 64, "/hold", Curve::Momentary, 0.0, 1.0), bound(Kind::Cc, 8, "/q", Curve::Linear, 0.0, 1.0)});
    EXPECT_EQ(f.handle(midi::controlChange(0, 7, 20)).size(), 1u) << "still engaged";
    auto out = f.handle(midi::controlChange(0, 64, 0));
    ASSERT_EQ(out.size(), 1u) << "the button held across the change is let go";
    EXPECT_EQ(out[0].value, 0.0);
}

TEST(MidiMapper, NrpnSelectsItsNumberThenCarriesTheValueOnDataEntry)
{
    Fixture f;
    f.mapper.setMappings({bound(Kind::Nrpn, 1000, "/p", Curve::Linear, 0.0, 1.0)});
    EXPECT_TRUE(f.handle(midi::controlChange(0, 99, 1000 >> 7)).empty());
    EXPECT_TRUE(f.handle(midi::controlChange(0, 98, 1000 & 127)).empty());
    EXPECT_EQ(f.mapper.selectedNrpn(0), 1000);
    auto out = f.handle(midi::controlChange(0, 6, 127));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_DOUBLE_EQ(out[0].value, 1.0);
    out = f.handle(midi::controlChange(0, 38, 0));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NEAR(out[0].value, 127.0 * 128 / 16383.0, 1e-12);
    // Another NRPN's data moves nothing; an RPN's selection takes data entry away.
    f.handle(midi::controlChange(0, 98, 3));
    EXPECT_TRUE(f.handle(midi::controlChange(0, 6, 1)).empty());
    f.handle(midi::controlChange(0, 99, 1000 >> 7));
    f.handle(midi::controlChange(0, 98, 1000 & 127));
    f.handle(midi::controlChange(0, 101, 0));
    EXPECT_TRUE(f.handle(midi::controlChange(0, 6, 1)).empty());
    EXPECT_EQ(f.mapper.selectedNrpn(0), -1);
}

TEST(MidiMapper, SoftTakeoverWaitsForTheKnobToMeetTheValue)
{
    Fixture f;
    f.values["/p"] = 0.5;
    f.mapper.setMappings({bound(Kind::Cc, 7, "/p", Curve::Linear, 0.0, 1.0, true)});
    EXPECT_TRUE(f.mapper.waitingForPickup(0));
    EXPECT_TRUE(f.handle(midi::controlChange(0, 7, 10)).empty()) << "the knob stands far below the value";
    EXPECT_TRUE(f.handle(midi::controlChange(0, 7, 40)).empty());
    auto out = f.handle(midi::controlChange(0, 7, 70)) ;
    ASSERT_EQ(out.size(), 1u) << "the knob passed the value: it picks it up";
    EXPECT_NEAR(out[0].value, 70 / 127.0, 1e-12);
    EXPECT_FALSE(f.mapper.waitingForPickup(0));
    EXPECT_EQ(f.handle(midi::controlChange(0, 7, 20)).size(), 1u) << "engaged, it follows the knob anywhere";

    // A tablet moves the value away: the knob waits again, and a knob near the value takes it.
    f.values["/p"] = 0.9;
    f.mapper.releasePickup(0);
    EXPECT_TRUE(f.handle(midi::controlChange(0, 7, 30)).empty());
    EXPECT_EQ(f.handle(midi::controlChange(0, 7, 114)).size(), 1u) << "114/127 is within the window of 0.9";
}

TEST(MidiMapper, WithoutPickupTheKnobJumpsTheValue)
{
    Fixture f;
    f.values["/p"] = 0.5;
    f.mapper.setMappings({bound(Kind::Cc, 7, "/p", Curve::Linear, 0.0, 1.0, false)});
    EXPECT_EQ(f.handle(midi::controlChange(0, 7, 0)).size(), 1u);
}

TEST(MidiMapper, APadTogglesFromTheValueAsItIsAndAMomentaryButtonFollowsTheFinger)
{
    Fixture f;
    f.values["/mute"] = 0.0;
    f.mapper.setMappings({bound(Kind::Note, 36, "/mute", Curve::Toggle, 0.0, 1.0),
        bound(Kind::Cc, 64, "/hold", Curve::Momentary, 0.0, 1.0), bound(Kind::Cc, 20, "/solo", Curve::Toggle, 0.0, 1.0)});
    auto out = f.handle(midi::noteOn(9, 36, 100));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].value, 1.0);
    EXPECT_TRUE(f.handle(midi::noteOff(9, 36)).empty()) << "a toggle acts on the press only";
    f.values["/mute"] = 0.0; // a tablet unmuted it meanwhile
    out = f.handle(midi::noteOn(9, 36, 1));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].value, 1.0) << "flipped from the value now, not from the pad's last press";

    out = f.handle(midi::controlChange(0, 64, 127));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].value, 1.0);
    EXPECT_TRUE(f.handle(midi::controlChange(0, 64, 120)).empty()) << "still held";
    out = f.handle(midi::controlChange(0, 64, 0));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].value, 0.0);

    // A CC button toggles on its press (127) and not on its release (0).
    EXPECT_EQ(f.handle(midi::controlChange(0, 20, 127)).size(), 1u);
    EXPECT_TRUE(f.handle(midi::controlChange(0, 20, 0)).empty());
    EXPECT_EQ(f.handle(midi::controlChange(0, 20, 127)).size(), 1u);
    EXPECT_EQ(f.values["/solo"], 0.0);
}

TEST(MidiMapper, AProgramChangeRecallsItsScene)
{
    Fixture f;
    BoundMapping p;
    p.mapping.source = {Kind::Program, 5, 0};
    p.mapping.scene = "chorus";
    f.mapper.setMappings({p});
    EXPECT_TRUE(f.handle(midi::programChange(0, 4)).empty());
    auto out = f.handle(midi::programChange(15, 5));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].kind, MidiAction::Kind::Recall);
    EXPECT_EQ(out[0].target, "chorus");
}

TEST(MidiMapper, FeedbackSendsWhatTheControlWouldSendForTheValue)
{
    MidiMapper mapper;
    mapper.setMappings({bound(Kind::Cc, 7, "/a", Curve::Linear, 0.0, 1.0, false, 2),
        bound(Kind::Cc14, 1, "/b", Curve::Linear, 0.0, 1.0), bound(Kind::Nrpn, 1000, "/c", Curve::Linear, 0.0, 1.0),
        bound(Kind::Note, 36, "/d", Curve::Toggle, 0.0, 1.0, false, 10),
        bound(Kind::Cc, 8, "/e", Curve::Db, -120.0, 12.0)});
    std::vector<midi::MidiMessage> out;
    mapper.feedback(0, 0.5, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], midi::controlChange(1, 7, 64));
    out.clear();
    mapper.feedback(1, 1.0, out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], midi::controlChange(0, 1, 127));
    EXPECT_EQ(out[1], midi::controlChange(0, 33, 127));
    out.clear();
    mapper.feedback(2, 0.0, out);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[0], midi::controlChange(0, 99, 7));
    EXPECT_EQ(out[1], midi::controlChange(0, 98, 1000 & 127));
    EXPECT_EQ(out[2], midi::controlChange(0, 6, 0));
    EXPECT_EQ(out[3], midi::controlChange(0, 38, 0));
    out.clear();
    mapper.feedback(3, 1.0, out);
    mapper.feedback(3, 0.0, out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0], midi::noteOn(9, 36, 127));
    EXPECT_EQ(out[1], midi::noteOn(9, 36, 0));
    out.clear();
    mapper.feedback(4, 0.0, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], midi::controlChange(0, 8, 99)) << "unity sits at 78 % of the fader's travel";
    out.clear();
    mapper.feedback(9, 0.0, out);
    EXPECT_TRUE(out.empty());
}

TEST(MidiMapper, FeedbackMovesTheKnobWhereItsMessageGivesTheValueBack)
{
    Fixture f;
    f.mapper.setMappings({bound(Kind::Cc, 8, "/g", Curve::Db, -120.0, 12.0)});
    for (double db : {-60.0, -20.0, -3.0, 0.0, 6.0}) {
        std::vector<midi::MidiMessage> out;
        f.mapper.feedback(0, db, out);
        ASSERT_EQ(out.size(), 1u);
        const auto back = f.handle(out[0]);
        ASSERT_EQ(back.size(), 1u);
        EXPECT_NEAR(back[0].value, db, 1.0) << "within one step of a 7-bit fader";
    }
}

} // namespace
} // namespace backline::control
