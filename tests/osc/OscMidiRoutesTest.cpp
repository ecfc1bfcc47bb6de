// SPDX-License-Identifier: GPL-3.0-or-later
// The /midi/… routes over a real OSC server, against a real MidiSurface on the fake control
// port: learn (and its notice to subscribers), map, list, unmap, status, and bad requests.
#include "OscServerFixture.h"

#include "control/midi/MidiSurface.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace backline;
using namespace backline::control;
using namespace backline::test;

namespace {

class OscMidiRoutes : public OscServerTest {
protected:
    MidiSurface surface {target, [](const midi::MidiMessage&) { }, [this](const port::Notice& n) { target.post(n); },
        [] { return port::MidiStatus {"jack", {}, {"nano:out"}, {"nano:in"}, 12, 1, 0, {}}; }};
    void SetUp() override
    {
        target.midiPort = &surface;
        ASSERT_TRUE(surface.adopt({}));
        OscServerTest::SetUp();
    }
    void TearDown() override { target.midiPort = nullptr; }
};

TEST_F(OscMidiRoutes, LearnBindsTheNextControlAndTellsSubscribers)
{
    auto c = client();
    subscribe(*c);
    auto waiting = ask(*c, "/midi/learn", {"/track/a/pan"});
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->address, "/midi/learn");
    EXPECT_EQ(waiting->text(0), "/track/a/pan");
    surface.receive(midi::controlChange(0, 21, 64), 0);
    auto learned = c->receiveAddress("/midi/learned");
    ASSERT_TRUE(learned);
    EXPECT_EQ(learned->text(0), "cc:21@1");
    EXPECT_EQ(learned->text(1), "/track/a/pan");

    c->send("/midi/map");
    auto entry = c->receiveAddress("/midi/map");
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->text(0), "cc:21@1");
    EXPECT_EQ(entry->text(1), "/track/a/pan");
    EXPECT_EQ(entry->text(2), "auto");
    EXPECT_TRUE(std::isnan(entry->number(3)));
    EXPECT_EQ(entry->number(5), 1.0) << "pickup";
    EXPECT_EQ(entry->text(6), "live") << "learned since the file was loaded";
    auto end = c->receiveAddress("/midi/map/end");
    ASSERT_TRUE(end);
    EXPECT_EQ(end->number(0), 1.0);

    auto cancelled = ask(*c, "/midi/learn/cancel");
    ASSERT_TRUE(cancelled);
    EXPECT_EQ(cancelled->number(0), 0.0) << "nothing was waiting";
}

TEST_F(OscMidiRoutes, MapAddsAMappingThatMovesItsParameterAndUnmapRemovesIt)
{
    auto c = client();
    auto mapped = ask(*c, "/midi/map", {"cc:7@2", "/track/b/gain", "linear", -60.0f, 0.0f, 0});
    ASSERT_TRUE(mapped);
    ASSERT_EQ(mapped->address, "/midi/map") << mapped->text(1);
    EXPECT_EQ(mapped->text(2), "linear");
    EXPECT_EQ(mapped->number(3), -60.0);
    surface.receive(midi::controlChange(1, 7, 127), 0);
    EXPECT_EQ(target.get("/track/b/gain")->value, 0.0f);
    surface.receive(midi::controlChange(1, 7, 0), 0);
    EXPECT_EQ(target.get("/track/b/gain")->value, -60.0f);

    ASSERT_TRUE(target.sceneBook.store("verse", {}));
    auto program = ask(*c, "/midi/map", {"program:3", "scene:verse"});
    ASSERT_TRUE(program);
    EXPECT_EQ(program->address, "/midi/map");
    EXPECT_EQ(program->text(1), "scene:verse");

    auto gone = ask(*c, "/midi/unmap", {"/track/b/gain"});
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->address, "/midi/unmapped");
    EXPECT_EQ(gone->number(1), 1.0);
    EXPECT_EQ(surface.mappings().size(), 1u);
}

TEST_F(OscMidiRoutes, StatusListsTheDevices)
{
    auto c = client();
    c->send("/midi/status");
    auto status = c->receiveAddress("/midi/status");
    ASSERT_TRUE(status);
    EXPECT_EQ(status->text(0), "jack");
    EXPECT_EQ(status->number(2), 1.0);
    EXPECT_EQ(status->number(4), 12.0);
    auto inputs = c->receiveAddress("/midi/status/inputs");
    ASSERT_TRUE(inputs);
    EXPECT_EQ(inputs->text(0), "nano:out");
    EXPECT_TRUE(c->receiveAddress("/midi/status/outputs"));

    c->send("/status");
    auto midi = c->receiveAddress("/status/midi");
    ASSERT_TRUE(midi);
    EXPECT_EQ(midi->text(0), "jack");
    EXPECT_EQ(midi->number(1), 1.0);
}

TEST_F(OscMidiRoutes, BadRequestsAreRefusedWithTheReason)
{
    auto c = client();
    expectRefused(*c,
        {
            {"/midi/learn", {}, "expects a parameter's address"},
            {"/midi/learn", {"/track/zz/gain"}, "unknown parameter"},
            {"/midi/learn", {1.0f}, "expects a parameter's address"},
            {"/midi/map", {"cc:7"}, "expects a control"},
            {"/midi/map", {"knob:7", "/track/a/gain"}, "names no kind"},
            {"/midi/map", {"cc:300", "/track/a/gain"}, "0–127"},
            {"/midi/map", {"cc:7", "/track/a/gain", "cubic"}, "the curve is"},
            {"/midi/map", {"cc:7", "/track/a/gain", "linear", "x", 1.0f}, "min and max must be numbers"},
            {"/midi/map", {"cc:7", "/track/a/gain", "linear", -60.0f, 40.0f}, "outside the parameter's range"},
            {"/midi/map", {"cc:7", "/track/a/pan", "db"}, "needs a parameter in dB"},
            {"/midi/map", {"cc:7", "/track/a/gain", "linear", -60.0f, 0.0f, 3}, "pickup is 0 or 1"},
            {"/midi/map", {"cc:7", "/track/a/gain", "linear", -60.0f, 0.0f, 1, 1}, "at most"},
            {"/midi/map", {"program:1", "/track/a/gain"}, "scene:NAME"},
            {"/midi/map", {"program:1", "scene:nowhere"}, "does not have"},
            {"/midi/unmap", {}, "expects a control"},
            {"/midi/unmap", {"cc:1"}, "no MIDI mapping"},
            {"/midi/status", {1}, "takes no arguments"},
        });
    EXPECT_TRUE(surface.mappings().empty()) << "nothing refused was mapped";
}

} // namespace
