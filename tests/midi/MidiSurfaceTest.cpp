// SPDX-License-Identifier: GPL-3.0-or-later
// MidiSurface on a control port (the OSC tests' FakeTarget, with the real scene book):
// controllers move parameters and recall scenes, feedback follows changes made elsewhere at
// its rate and never mid-gesture, learn/map/unmap edit the mappings.
#include "control/midi/MidiSurface.h"

#include "FakeTarget.h"

#include <gtest/gtest.h>

#include <ctime>

namespace backline::control {
namespace {

using Kind = midi::MidiSource::Kind;
constexpr std::int64_t ms = 1'000'000;

std::int64_t now()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

midi::MidiMapping mapping(Kind kind, int number, std::string address)
{
    midi::MidiMapping m;
    m.source = {kind, number, 0};
    m.address = std::move(address);
    return m;
}

struct Surface : ::testing::Test {
    test::FakeTarget target;
    std::vector<midi::MidiMessage> sent;
    std::vector<port::Notice> notices;
    MidiSurface surface {target, [this](const midi::MidiMessage& m) { sent.push_back(m); },
        [this](const port::Notice& n) { notices.push_back(n); }, [] { return port::MidiStatus {"jack", {}, {"k:out"}, {}, 3, 0, 0, {}}; }};

    float value(const std::string& address) { return target.get(address)->value; }
    /// Adopts mappings (no pickup unless asked) and drops the feedback that shows the values at load.
    void adopt(std::vector<midi::MidiMapping> map, double rate = 30.0)
    {
        ASSERT_TRUE(surface.adopt({std::move(map), true, rate}));
        surface.flush(0); // long before any real time: the next real flush is past every rate
        sent.clear();
    }
};

TEST_F(Surface, AControllerMovesItsParameterOnTheFaderLaw)
{
    auto m = mapping(Kind::Cc, 7, "/track/a/gain");
    m.pickup = false;
    adopt({m});
    surface.receive(midi::controlChange(0, 7, 99), now());
    EXPECT_NEAR(value("/track/a/gain"), 0.0, 0.15);
    surface.receive(midi::controlChange(0, 7, 0), now());
    EXPECT_EQ(value("/track/a/gain"), -120.0f);
}

TEST_F(Surface, AdoptionSendsEveryMappedValueSoMotorisedFadersGoWhereTheSessionIs)
{
    ASSERT_TRUE(target.set("/track/b/pan", 1.0));
    ASSERT_TRUE(surface.adopt({{mapping(Kind::Cc, 10, "/track/b/pan")}, true, 30.0}));
    surface.flush(now());
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0], midi::controlChange(0, 10, 127));
}

TEST_F(Surface, FeedbackFollowsChangesMadeElsewhereAtItsRate)
{
    adopt({mapping(Kind::Cc, 10, "/track/b/pan")}, 10.0); // one message per 100 ms
    const std::int64_t t = now();
    ASSERT_TRUE(target.set("/track/b/pan", -1.0));
    surface.flush(t);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0], midi::controlChange(0, 10, 0));
    ASSERT_TRUE(target.set("/track/b/pan", 0.0));
    ASSERT_TRUE(target.set("/track/b/pan", 1.0));
    surface.flush(t + 50 * ms);
    EXPECT_EQ(sent.size(), 1u) << "within the rate: held";
    surface.flush(t + 101 * ms);
    ASSERT_EQ(sent.size(), 2u) << "the latest value, once";
    EXPECT_EQ(sent[1], midi::controlChange(0, 10, 127));
    surface.flush(t + 500 * ms);
    EXPECT_EQ(sent.size(), 2u) << "nothing new, nothing sent";
}

TEST_F(Surface, AControllersOwnMoveIsNotSentBackAndOthersWaitForTheGestureToEnd)
{
    auto m = mapping(Kind::Cc, 10, "/track/b/pan");
    m.pickup = false;
    adopt({m});
    const std::int64_t before = now();
    surface.receive(midi::controlChange(0, 10, 100), before);
    const std::int64_t after = now();
    surface.flush(after + 300 * ms);
    EXPECT_TRUE(sent.empty()) << "the fader is where the finger put it";

    const std::int64_t moved = now();
    surface.receive(midi::controlChange(0, 10, 90), moved);
    ASSERT_TRUE(target.set("/track/b/pan", -1.0)); // a tablet, mid-gesture
    surface.flush(moved + 100 * ms);
    EXPECT_TRUE(sent.empty()) << "not pushed under the finger";
    surface.flush(now() + MidiSurface::gestureHoldNs + 10 * ms);
    ASSERT_EQ(sent.size(), 1u) << "sent once the gesture is over";
    EXPECT_EQ(sent[0], midi::controlChange(0, 10, 0));
}

TEST_F(Surface, AKnobPicksUpAValueSetElsewhereBeforeMovingIt)
{
    adopt({mapping(Kind::Cc, 10, "/track/b/pan")}); // pickup by default
    ASSERT_TRUE(target.set("/track/b/pan", 0.5)); // travel 0.75
    surface.receive(midi::controlChange(0, 10, 0), now());
    EXPECT_EQ(value("/track/b/pan"), 0.5f) << "the knob at the bottom does not yank the pan";
    surface.receive(midi::controlChange(0, 10, 100), now());
    EXPECT_NEAR(value("/track/b/pan"), 2.0 * 100 / 127 - 1.0, 1e-6) << "it crossed the value: picked up";
}

TEST_F(Surface, LearnBindsTheNextControlThatMoves)
{
    adopt({});
    ASSERT_TRUE(surface.learn("/track/c/mute"));
    EXPECT_EQ(surface.status().learning, "/track/c/mute");
    surface.receive(midi::noteOn(9, 40, 90), now());
    EXPECT_EQ(value("/track/c/mute"), 0.0f) << "the learning press binds, and does nothing else";
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_EQ(notices[0].address, "/midi/learned");
    EXPECT_EQ(std::get<std::string>(notices[0].args[0]), "note:40@10");
    EXPECT_EQ(std::get<std::string>(notices[0].args[1]), "/track/c/mute");
    EXPECT_TRUE(surface.status().learning.empty());
    const auto maps = surface.mappings();
    ASSERT_EQ(maps.size(), 1u);
    EXPECT_EQ(maps[0].origin, port::MidiMapOrigin::Live);

    surface.receive(midi::noteOff(9, 40), now());
    surface.receive(midi::noteOn(9, 40, 90), now());
    EXPECT_EQ(value("/track/c/mute"), 1.0f) << "the pad toggles the mute now";

    // Learning NRPN: the selection is skipped, the data entry binds the number.
    ASSERT_TRUE(surface.learn("/track/a/pan"));
    surface.receive(midi::controlChange(0, 99, 2), now());
    surface.receive(midi::controlChange(0, 98, 5), now());
    surface.receive(midi::controlChange(0, 6, 64), now());
    ASSERT_EQ(notices.size(), 2u);
    EXPECT_EQ(std::get<std::string>(notices[1].args[0]), "nrpn:261@1");

    EXPECT_FALSE(surface.learn("/track/zz/gain"));
    EXPECT_FALSE(surface.cancelLearn());
    ASSERT_TRUE(surface.learn("/track/a/gain"));
    EXPECT_TRUE(surface.cancelLearn());
}

TEST_F(Surface, ProgramChangesRecallScenesByMappingOrByPlace)
{
    ASSERT_TRUE(target.sceneBook.store("quiet", {}));
    ASSERT_TRUE(target.set("/track/a/gain", -20.0));
    ASSERT_TRUE(target.sceneBook.store("loud", {}));
    midi::MidiMapping p;
    p.source = {Kind::Program, 7, 0};
    p.scene = "quiet";
    adopt({p});
    surface.receive(midi::programChange(0, 7), now());
    EXPECT_EQ(value("/track/a/gain"), 0.0f) << "program 7 is mapped to quiet";
    surface.receive(midi::programChange(0, 1), now());
    EXPECT_EQ(value("/track/a/gain"), -20.0f) << "program 1 recalls the second scene";
    surface.receive(midi::programChange(0, 9), now()); // no scene there: nothing happens
    EXPECT_EQ(value("/track/a/gain"), -20.0f);

    ASSERT_TRUE(surface.adopt({{}, false, 30.0}));
    surface.receive(midi::programChange(0, 0), now());
    EXPECT_EQ(value("/track/a/gain"), -20.0f) << "program_change: off";
}

TEST_F(Surface, BadMappingsAreRefusedAndChangeNothing)
{
    adopt({mapping(Kind::Cc, 7, "/track/a/gain")});
    auto unknown = surface.adopt({{mapping(Kind::Cc, 8, "/track/nope/gain")}, true, 30.0});
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("cc:8"), std::string::npos) << unknown.error().message;
    EXPECT_EQ(surface.mappings().size(), 1u) << "the old mappings stand";

    auto range = mapping(Kind::Cc, 9, "/track/a/pan");
    range.max = 5.0;
    EXPECT_FALSE(surface.map(range));
    midi::MidiMapping scene;
    scene.source = {Kind::Program, 1, 0};
    scene.scene = "nowhere";
    auto noScene = surface.map(scene);
    ASSERT_FALSE(noScene);
    EXPECT_NE(noScene.error().message.find("nowhere"), std::string::npos);
    EXPECT_FALSE(surface.map(mapping(Kind::Cc, 200, "/track/a/pan")));
    EXPECT_FALSE(surface.unmap("cc:99"));
    EXPECT_FALSE(surface.unmap("/track/b/gain"));
    EXPECT_EQ(surface.mappings().size(), 1u);
}

TEST_F(Surface, MapReplacesAControlsMappingAndUnmapRemovesByControlOrAddress)
{
    adopt({mapping(Kind::Cc, 7, "/track/a/gain")});
    ASSERT_TRUE(surface.map(mapping(Kind::Cc, 7, "/track/b/gain")));
    ASSERT_TRUE(surface.map(mapping(Kind::Cc, 8, "/track/b/gain")));
    auto maps = surface.mappings();
    ASSERT_EQ(maps.size(), 2u);
    EXPECT_EQ(maps[0].mapping.address, "/track/b/gain");
    EXPECT_EQ(maps[0].origin, port::MidiMapOrigin::Live);
    auto removed = surface.unmap("/track/b/gain");
    ASSERT_TRUE(removed);
    EXPECT_EQ(*removed, 2u);
    EXPECT_TRUE(surface.mappings().empty());
}

TEST_F(Surface, LiveMappingsSurviveAReloadAndTheSaveTakesThem)
{
    adopt({mapping(Kind::Cc, 7, "/track/a/gain")});
    ASSERT_TRUE(surface.map(mapping(Kind::Cc, 8, "/track/b/gain")));
    ASSERT_TRUE(surface.adopt({{mapping(Kind::Cc, 7, "/track/a/gain")}, true, 30.0}));
    ASSERT_EQ(surface.toSave().size(), 2u);
    surface.markSaved(surface.toSave());
    for (const auto& entry : surface.mappings())
        EXPECT_EQ(entry.origin, port::MidiMapOrigin::Session);
}

TEST_F(Surface, AButtonsOwnPressLightsItsLed)
{
    adopt({mapping(Kind::Note, 36, "/track/a/mute"), mapping(Kind::Cc, 20, "/track/b/mute")});
    surface.receive(midi::noteOn(0, 36, 100), now());
    EXPECT_EQ(value("/track/a/mute"), 1.0f);
    surface.flush(now() + 1000 * ms);
    ASSERT_EQ(sent.size(), 1u) << "the daemon chose the value: the pad shows it";
    EXPECT_EQ(sent[0], midi::noteOn(0, 36, 127));
}

TEST_F(Surface, ALearnTakesOnlyTheMessageItLearnsAndRunsOutInTime)
{
    auto held = mapping(Kind::Cc, 64, "/track/a/mute");
    held.curve = midi::Curve::Momentary;
    midi::MidiMapping program;
    program.source = {Kind::Program, 5, 0};
    const std::vector<std::string> gainOnly {"/track/a/gain"};
    ASSERT_TRUE(target.sceneBook.store("verse", gainOnly));
    program.scene = "verse";
    adopt({held, program});
    surface.receive(midi::controlChange(0, 64, 127), now());
    EXPECT_EQ(value("/track/a/mute"), 1.0f);
    ASSERT_TRUE(surface.learn("/track/b/pan"));
    ASSERT_TRUE(target.set("/track/a/gain", -12.0));
    surface.receive(midi::programChange(0, 5), now()); // a mapped program change during the learn
    EXPECT_EQ(value("/track/a/gain"), 0.0f) << "verse was recalled, the learn left it alone";
    EXPECT_EQ(surface.status().learning, "/track/b/pan") << "a program change is not learned";
    surface.receive(midi::controlChange(0, 30, 10), now());
    EXPECT_TRUE(surface.status().learning.empty());
    surface.receive(midi::controlChange(0, 64, 0), now());
    EXPECT_EQ(value("/track/a/mute"), 0.0f) << "the held button's release still acts";
}

TEST_F(Surface, AHeldButtonsReleaseThatALearnTakesStillLetsGo)
{
    auto held = mapping(Kind::Cc, 64, "/track/a/mute");
    held.curve = midi::Curve::Momentary;
    adopt({held});
    surface.receive(midi::controlChange(0, 64, 127), now());
    ASSERT_EQ(value("/track/a/mute"), 1.0f);
    ASSERT_TRUE(surface.learn("/track/b/pan"));
    surface.receive(midi::controlChange(0, 64, 0), now()); // learned: cc:64@1 → pan
    EXPECT_TRUE(surface.status().learning.empty());
    EXPECT_EQ(value("/track/a/mute"), 0.0f) << "not left held";
    EXPECT_EQ(value("/track/b/pan"), 0.0f) << "the learned message moves nothing";
}

TEST_F(Surface, LearnAndMapTakeTheControlFromEveryMappingThatHearsIt)
{
    target.add("/track/a/dsp/cutoff", "Hz", 20, 20000, 1000, port::ParamKind::Continuous, 74);
    auto any = mapping(Kind::Cc, 7, "/track/a/gain");
    adopt({any});
    ASSERT_EQ(surface.mappings().size(), 2u) << "the session's and the DSP's";
    ASSERT_TRUE(surface.learn("/track/b/pan"));
    surface.receive(midi::controlChange(2, 7, 64), now()); // cc:7@3: the session's cc:7 hears it too
    ASSERT_TRUE(surface.learn("/track/c/pan"));
    surface.receive(midi::controlChange(0, 74, 64), now());
    const auto maps = surface.mappings();
    ASSERT_EQ(maps.size(), 2u);
    EXPECT_EQ(midi::toString(maps[0].mapping.source), "cc:7@3");
    EXPECT_EQ(maps[0].mapping.address, "/track/b/pan");
    EXPECT_EQ(midi::toString(maps[1].mapping.source), "cc:74@1");
    EXPECT_EQ(maps[1].mapping.address, "/track/c/pan") << "the DSP's [midi:ctrl 74] gave way";
}

TEST_F(Surface, ADspsOwnMidiCtrlMapsItselfUnlessTheSessionClaimsTheController)
{
    target.add("/track/a/dsp/cutoff", "Hz", 20, 20000, 1000, port::ParamKind::Continuous, 74);
    target.add("/track/a/dsp/res", "", 0, 1, 0, port::ParamKind::Continuous, 71);
    auto m = mapping(Kind::Cc, 71, "/track/b/pan");
    m.pickup = false;
    adopt({m});
    const auto maps = surface.mappings();
    ASSERT_EQ(maps.size(), 2u);
    EXPECT_EQ(maps[1].origin, port::MidiMapOrigin::Dsp);
    EXPECT_EQ(maps[1].mapping.address, "/track/a/dsp/cutoff");
    // The DSP's: on every channel, on its own curve (log for Hz), with pickup.
    surface.receive(midi::controlChange(4, 74, 64), now()); // below 1000 Hz (at 0.57 of a log travel): waits
    surface.receive(midi::controlChange(4, 74, 127), now());
    EXPECT_EQ(value("/track/a/dsp/cutoff"), 20000.0f);
    // The session's claim on CC 71 wins.
    surface.receive(midi::controlChange(0, 71, 127), now());
    EXPECT_EQ(value("/track/b/pan"), 1.0f);
    EXPECT_EQ(value("/track/a/dsp/res"), 0.0f);
    EXPECT_EQ(surface.toSave().size(), 1u) << "the DSP says it: not written to the session";
}

TEST_F(Surface, StatusCarriesTheDevicesAndTheFeedbackCount)
{
    adopt({mapping(Kind::Cc, 10, "/track/b/pan")});
    ASSERT_TRUE(target.set("/track/b/pan", 1.0));
    surface.flush(now() + 1000 * ms);
    const auto s = surface.status();
    EXPECT_EQ(s.api, "jack");
    ASSERT_EQ(s.inputs.size(), 1u);
    EXPECT_EQ(s.received, 3u);
    EXPECT_EQ(s.feedbackSent, 2u) << "one at adoption, one for the change";
}

} // namespace
} // namespace backline::control
