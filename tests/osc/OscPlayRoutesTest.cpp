// SPDX-License-Identifier: GPL-3.0-or-later
// The instruments' routes over a real OSC server (against FakePlay, which remembers what it
// was asked): /track/<t>/note, /track/<t>/allnotesoff and /panic, good and bad.
#include "OscServerFixture.h"
#include "WaitFor.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace backline;
using namespace backline::control;
using namespace backline::test;

TEST_F(OscServerTest, NotesGoToTheInstrumentWithoutAReply)
{
    auto c = client();
    c->send("/track/keys/note", {60, 0.5f});
    c->send("/track/keys/note", {60.0f, 0.0f});
    c->send("/track/keys/allnotesoff", std::vector<control::OscReply::Arg> {});
    auto pong = c->request("/ping");
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->address, "/pong") << "no reply to a note came before the pong";
    const auto calls = target.fakePlay.calls();
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[0].what, "note");
    EXPECT_EQ(calls[0].track, "keys");
    EXPECT_EQ(calls[0].note, 60);
    EXPECT_DOUBLE_EQ(calls[0].velocity, 0.5);
    EXPECT_EQ(calls[0].atFrame, 0u);
    EXPECT_DOUBLE_EQ(calls[1].velocity, 0.0) << "velocity 0 releases";
    EXPECT_EQ(calls[2].what, "allnotesoff");
}

TEST_F(OscServerTest, PanicAnswersDone)
{
    auto c = client();
    auto done = ask(*c, "/panic");
    ASSERT_TRUE(done);
    EXPECT_EQ(done->address, "/panic/done");
    ASSERT_EQ(target.fakePlay.calls().size(), 1u);
    EXPECT_EQ(target.fakePlay.calls()[0].what, "panic");
}

TEST_F(OscServerTest, InstrumentsNamesTheTracksNotesCanPlay)
{
    auto c = client();
    auto names = ask(*c, "/instruments");
    ASSERT_TRUE(names);
    EXPECT_EQ(names->address, "/instruments");
    ASSERT_EQ(names->args.size(), 1u);
    EXPECT_EQ(names->text(0), "keys");
}

TEST_F(OscServerTest, AConnectionThatClosesReleasesTheNotesItHeld)
{
    auto tablet = client(RawOscClient::Kind::TcpLengthPrefix);
    tablet->send("/track/keys/note", {60, 0.5f});
    tablet->send("/track/keys/note", {64, 0.5f});
    tablet->send("/track/keys/note", {67, 0.5f});
    tablet->send("/track/keys/note", {64, 0.0f}); // released by the tablet itself
    ASSERT_TRUE(tablet->request("/ping"));
    // Another client's note is its own: the tablet closing leaves it alone.
    auto other = client(RawOscClient::Kind::TcpLengthPrefix);
    other->send("/track/keys/note", {72, 0.5f});
    ASSERT_TRUE(other->request("/ping"));
    ASSERT_EQ(target.fakePlay.calls().size(), 5u);

    tablet.reset(); // the Wi-Fi is gone
    auto offs = [&] {
        std::vector<int> notes;
        const auto calls = target.fakePlay.calls();
        for (std::size_t i = 5; i < calls.size(); ++i)
            if (calls[i].what == "note" && calls[i].velocity == 0.0)
                notes.push_back(calls[i].note);
        std::sort(notes.begin(), notes.end());
        return notes;
    };
    ASSERT_TRUE(waitFor([&] { return offs().size() >= 2; })) << "the tablet's held notes were not released";
    EXPECT_EQ(offs(), (std::vector<int> {60, 67}));
    ASSERT_TRUE(other->request("/ping"));
    EXPECT_EQ(offs(), (std::vector<int> {60, 67})) << "nothing more: note 72 is the other client's";
}

TEST_F(OscServerTest, NotesReleasedByAllNotesOffOrPanicAreNotReleasedAgainOnClose)
{
    auto tablet = client(RawOscClient::Kind::TcpLengthPrefix);
    tablet->send("/track/keys/note", {60, 0.5f});
    tablet->send("/track/keys/allnotesoff");
    tablet->send("/track/keys/note", {62, 0.5f});
    ASSERT_TRUE(tablet->request("/panic"));
    tablet->send("/track/keys/note", {64, 0.5f});
    ASSERT_TRUE(tablet->request("/ping"));
    const std::size_t played = target.fakePlay.calls().size();
    tablet.reset();
    ASSERT_TRUE(waitFor([&] { return target.fakePlay.calls().size() > played; }));
    auto other = client();
    ASSERT_TRUE(other->request("/ping"));
    const auto calls = target.fakePlay.calls();
    ASSERT_EQ(calls.size(), played + 1) << "only the note played after the panic is released";
    EXPECT_EQ(calls.back().note, 64);
    EXPECT_EQ(calls.back().velocity, 0.0);
}

TEST_F(OscServerTest, NotesInABundlePlayWithIt)
{
    auto c = client();
    c->sendBundle(oscImmediately, {{"/track/keys/note", {60, 0.5f}}, {"/track/keys/note", {64, 0.5f}},
                                      {"/track/keys/note", {67, 0.5f}}});
    EXPECT_TRUE(c->request("/ping"));
    const auto calls = target.fakePlay.calls();
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[0].note, 60);
    EXPECT_EQ(calls[2].note, 67);

    // One bad note, or a note for a track that is no instrument: the bundle plays none of them.
    c->sendBundle(oscImmediately, {{"/track/keys/note", {72, 0.5f}}, {"/track/keys/note", {300, 0.5f}}});
    auto error = c->receiveAddress("/error");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->text(0), "/track/keys/note");
    auto whole = c->receiveAddress("/error");
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->text(0), "#bundle");
    c->sendBundle(oscImmediately, {{"/track/keys/note", {72, 0.5f}}, {"/track/nobody/note", {60, 0.5f}}});
    auto nobody = c->receiveAddress("/error");
    ASSERT_TRUE(nobody);
    EXPECT_EQ(nobody->text(0), "/track/nobody/note");
    EXPECT_TRUE(c->request("/ping"));
    EXPECT_EQ(target.fakePlay.calls().size(), 3u);
}

TEST_F(OscServerTest, BadNotesAreAnsweredWithAnErrorAndPlayNothing)
{
    auto c = client();
    expectRefused(*c, {
        {"/track/keys/note", {128, 0.5f}, "0..127"},
        {"/track/keys/note", {-1, 0.5f}, "0..127"},
        {"/track/keys/note", {60.5f, 0.5f}, "whole number"},
        {"/track/keys/note", {60, 1.5f}, "velocity is 0..1"},
        {"/track/keys/note", {60, -0.5f}, "velocity is 0..1"},
        {"/track/keys/note", {60}, "a note (0..127) and a velocity"},
        {"/track/keys/note", {}, "a note (0..127) and a velocity"},
        {"/track/keys/note", {60, 0.5f, 1}, "got 3 arguments"},
        {"/track/keys/note", {std::string("C4"), 0.5f}, "expects two numbers"},
        {"/track/keys/allnotesoff", {1}, "takes no arguments"},
        {"/track/nobody/note", {60, 0.5f}, "no instrument track 'nobody'"},
        {"/track/nobody/allnotesoff", {}, "no instrument track 'nobody'"},
        {"/panic", {1}, "takes no arguments"},
    });
    EXPECT_TRUE(target.fakePlay.calls().empty());
}
