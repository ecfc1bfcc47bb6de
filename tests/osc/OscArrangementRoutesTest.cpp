// SPDX-License-Identifier: GPL-3.0-or-later
// The /setlist/… and /arrangement/… routes over a real OSC server (against FakeArrangement,
// which refuses as the real port does): what each request answers, and what a bad one is told.
#include "OscServerFixture.h"

#include <gtest/gtest.h>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;

TEST_F(OscServerTest, SongRequestsAnswerWhatTheyAskedFor)
{
    auto c = client();
    auto cued = ask(*c, "/setlist/goto", {std::string("opener")});
    ASSERT_TRUE(cued);
    EXPECT_EQ(cued->address, "/setlist/cued");
    EXPECT_EQ(cued->text(0), "opener");
    EXPECT_EQ(cued->text(1), "bar") << "a jump waits for the next bar unless asked otherwise";
    auto next = ask(*c, "/setlist/next", {std::string("section")});
    ASSERT_TRUE(next);
    EXPECT_EQ(next->text(0), "ballad");
    EXPECT_EQ(next->text(1), "section");
    auto byPlace = ask(*c, "/setlist/goto", {0, std::string("now")});
    ASSERT_TRUE(byPlace);
    EXPECT_EQ(byPlace->text(0), "opener");
    auto jump = ask(*c, "/arrangement/goto", {std::string("chorus"), std::string("beat")});
    ASSERT_TRUE(jump);
    EXPECT_EQ(jump->address, "/arrangement/jump");
    EXPECT_EQ(jump->text(0), "chorus");
    EXPECT_EQ(jump->text(1), "beat");
    ASSERT_TRUE(ask(*c, "/arrangement/next"));
    ASSERT_TRUE(ask(*c, "/arrangement/prev", {std::string("bar")}));
    auto loop = ask(*c, "/arrangement/loop", {1});
    ASSERT_TRUE(loop);
    EXPECT_EQ(loop->address, "/arrangement/loop");
    EXPECT_EQ(loop->number(0), 1.0);
    auto status = ask(*c, "/arrangement/status");
    ASSERT_TRUE(status);
    EXPECT_EQ(status->address, "/arrangement/status");
    ASSERT_EQ(status->args.size(), 8u);
    EXPECT_EQ(status->text(0), "opener");
    EXPECT_EQ(status->number(1), 0.0);
    EXPECT_EQ(status->text(2), "verse");
    EXPECT_EQ(status->text(5), "chorus");
    EXPECT_EQ(status->number(7), 1.0) << "looping";
    const std::vector<std::string> expected {"cue opener bar", "cue ballad section", "cue opener now",
        "goto chorus beat", "next chorus bar", "prev verse bar", "loop 1"};
    EXPECT_EQ(target.fakeArrangement.requests(), expected);
}

TEST_F(OscServerTest, BadSongRequestsAreAnsweredWithAnErrorAndChangeNothing)
{
    auto c = client();
    expectRefused(*c, {
        {"/arrangement/next", {}, "no song is cued"},
        {"/arrangement/goto", {std::string("chorus")}, "no song is cued"},
        {"/setlist/goto", {std::string("encore")}, "no song 'encore'"},
        {"/setlist/goto", {5}, "places 0 to 1, got 5"},
        {"/setlist/goto", {1.5f}, "expects a song's name"},
        {"/setlist/goto", {}, "expects a song's name"},
        {"/setlist/goto", {std::string("opener"), std::string("later")}, "when must be now, beat, bar or section, got 'later'"},
        {"/setlist/goto", {std::string("opener"), std::string("bar"), 1}, "expects a song's name"},
        {"/setlist/next", {3}, "when must be now, beat, bar or section, got "},
        {"/arrangement/loop", {2}, "expects 1"},
        {"/arrangement/loop", {}, "expects 1"},
        {"/arrangement/goto", {}, "expects a section's name"},
    });
    EXPECT_TRUE(target.fakeArrangement.requests().empty()) << "nothing reached the arrangement";
    ASSERT_TRUE(ask(*c, "/setlist/goto", {std::string("opener")}));
    auto noSection = ask(*c, "/arrangement/goto", {std::string("bridge")});
    ASSERT_TRUE(noSection);
    EXPECT_EQ(noSection->text(1), "song 'opener' has no section 'bridge'");
}

TEST_F(OscServerTest, SubscribersHearTheArrangementWhenItChangesAndStatusSaysWhereTheSongIs)
{
    auto tablet = client();
    auto other = client();
    subscribe(*tablet);
    ASSERT_TRUE(tablet->receiveUntilPong()) << "whatever came with the subscription is read";
    ASSERT_TRUE(ask(*other, "/setlist/goto", {std::string("ballad")}));
    auto cued = tablet->receiveAddress("/arrangement/status", 2000ms);
    ASSERT_TRUE(cued) << "a cue changes the status: subscribers are told, whoever cued";
    ASSERT_EQ(cued->args.size(), 8u);
    EXPECT_EQ(cued->text(0), "ballad");
    EXPECT_EQ(cued->number(1), 1.0);
    EXPECT_EQ(cued->text(2), "verse");
    ASSERT_TRUE(ask(*other, "/arrangement/loop", {1}));
    auto looping = tablet->receiveAddress("/arrangement/status", 2000ms);
    ASSERT_TRUE(looping);
    EXPECT_EQ(looping->number(7), 1.0) << "looping";
    ASSERT_TRUE(ask(*other, "/arrangement/status"));
    EXPECT_FALSE(tablet->receiveAddress("/arrangement/status", 300ms)) << "asking changes nothing: nothing is pushed";

    other->send("/status");
    auto status = other->receiveAddress("/status/arrangement");
    ASSERT_TRUE(status);
    ASSERT_EQ(status->args.size(), 4u);
    EXPECT_EQ(status->text(0), "ballad");
    EXPECT_EQ(status->text(1), "verse");
    EXPECT_EQ(status->number(2), 0.0) << "no section plays";
    EXPECT_EQ(status->text(3), "chorus");
}
