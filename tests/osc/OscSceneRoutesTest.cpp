// SPDX-License-Identifier: GPL-3.0-or-later
// The /scene/… routes over a real OSC server (against FakeTarget and the real scene book): what
// each request answers, what a bad one is told, and what subscribers are sent.
#include "OscServerFixture.h"
#include "WaitFor.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

std::string s(const char* text) { return text; }

} // namespace

TEST_F(OscServerTest, SceneRequestsAnswerWhatTheyDid)
{
    auto c = client();
    target.changeFromElsewhere("/track/a/gain", -6.0f);
    auto stored = ask(*c, "/scene/store", {s("verse"), s("/track/a/*"), s("b")});
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->address, "/scene/stored") << stored->text(1);
    EXPECT_EQ(stored->text(0), "verse");
    EXPECT_EQ(stored->number(1), 6.0) << "a's three and b's three";
    auto all = ask(*c, "/scene/store", {s("all")});
    ASSERT_TRUE(all);
    EXPECT_EQ(all->number(1), 10.0);

    auto list = ask(*c, "/scene/list");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->address, "/scene/list");
    ASSERT_EQ(list->args.size(), 2u);
    EXPECT_EQ(list->text(0), "verse");
    EXPECT_EQ(list->text(1), "all");

    auto got = ask(*c, "/scene/get", {s("verse")});
    ASSERT_TRUE(got);
    ASSERT_EQ(got->address, "/scene/get");
    ASSERT_EQ(got->args.size(), 13u) << "the name, then six address/value pairs";
    EXPECT_EQ(got->text(1), "/track/a/gain");
    EXPECT_EQ(got->number(2), -6.0);

    target.changeFromElsewhere("/track/a/gain", 3.0f);
    auto current = ask(*c, "/scene/current");
    ASSERT_TRUE(current);
    EXPECT_EQ(current->text(0), "all");
    EXPECT_EQ(current->number(1), 1.0) << "a's gain moved since 'all' was stored: dirty";
    auto recalled = ask(*c, "/scene/recall", {s("verse"), 1.5f, s("bar")});
    ASSERT_TRUE(recalled);
    ASSERT_EQ(recalled->address, "/scene/recalled") << recalled->text(1);
    EXPECT_EQ(recalled->text(0), "verse");
    EXPECT_EQ(target.value("/track/a/gain"), -6.0f);
    EXPECT_EQ(target.lastFade, 1.5);
    current = ask(*c, "/scene/current");
    ASSERT_TRUE(current);
    EXPECT_EQ(current->text(0), "verse");
    EXPECT_EQ(current->number(1), 0.0);
    auto undone = ask(*c, "/scene/undo");
    ASSERT_TRUE(undone);
    EXPECT_EQ(undone->address, "/scene/undone");
    EXPECT_EQ(target.value("/track/a/gain"), 3.0f);

    auto edited = ask(*c, "/scene/edit", {s("verse"), s("/track/b/pan"), 0.5f});
    ASSERT_TRUE(edited);
    ASSERT_EQ(edited->address, "/scene/edited") << edited->text(1);
    EXPECT_EQ(edited->number(2), 0.5);
    EXPECT_EQ(target.value("/track/b/pan"), 0.0f) << "blind";
    auto safe = ask(*c, "/scene/safe", {s("/track/a/gain"), 1});
    ASSERT_TRUE(safe);
    EXPECT_EQ(safe->address, "/scene/safe");
    EXPECT_EQ(safe->text(0), "/track/a/gain");
    EXPECT_EQ(safe->number(1), 1.0);
    auto renamed = ask(*c, "/scene/rename", {s("verse"), s("verse 2")});
    ASSERT_TRUE(renamed);
    EXPECT_EQ(renamed->address, "/scene/renamed");
    ASSERT_TRUE(ask(*c, "/scene/recall", {s("verse 2")}));
    EXPECT_EQ(target.value("/track/a/gain"), 3.0f) << "safe now";
    EXPECT_EQ(target.value("/track/b/pan"), 0.5f) << "the blind edit, recalled";
    auto deleted = ask(*c, "/scene/delete", {s("all")});
    ASSERT_TRUE(deleted);
    EXPECT_EQ(deleted->address, "/scene/deleted");
    c->send("/status");
    auto status = c->receiveAddress("/status/scene");
    ASSERT_TRUE(status);
    EXPECT_EQ(status->text(0), "verse 2");
    EXPECT_EQ(status->number(1), 0.0);
}

TEST_F(OscServerTest, BadSceneRequestsAreAnsweredWithAnErrorAndChangeNothing)
{
    auto c = client();
    ASSERT_TRUE(ask(*c, "/scene/store", {s("verse")}));
    target.changeFromElsewhere("/track/a/gain", -7.0f);
    const auto batches = target.batches().size();
    expectRefused(*c, {
        {"/scene/recall", {s("chorus")}, "unknown scene 'chorus'"},
        {"/scene/recall", {s("vrese")}, "did you mean 'verse'"},
        {"/scene/recall", {s("verse"), -1.0f}, "a fade must be from 0 to 3600 seconds, got -1"},
        {"/scene/recall", {s("verse"), float(NAN)}, "got nan"},
        {"/scene/recall", {s("verse"), 1e9f}, "got 1e+09"},
        {"/scene/recall", {s("verse"), 1.0f, s("soon")}, "when must be now, beat or bar, got 'soon'"},
        {"/scene/recall", {s("verse"), s("bar"), 2.0f}, "expects a scene's name, then optionally"},
        {"/scene/recall", {1}, "expects a scene's name"},
        {"/scene/recall", {}, "expects a scene's name"},
        {"/scene/store", {s("x"), s("/track/zz/*")}, "'/track/zz/*' matches no parameter"},
        {"/scene/store", {s("x"), 3}, "expects a scene's name, then optionally scope globs"},
        {"/scene/store", {s("")}, "a scene needs a name"},
        {"/scene/get", {s("nope")}, "unknown scene 'nope'"},
        {"/scene/delete", {s("nope")}, "unknown scene 'nope'"},
        {"/scene/rename", {s("verse")}, "expects the scene's name and its new name"},
        {"/scene/edit", {s("verse"), s("/track/a/gain"), 99.0f}, "out of range"},
        {"/scene/edit", {s("verse"), s("/track/a/gian"), 1.0f}, "unknown parameter"},
        {"/scene/edit", {s("verse"), s("/track/a/gain")}, "expects a scene's name, a parameter's address and a number"},
        {"/scene/safe", {s("/track/zz"), 1}, "matches no parameter"},
        {"/scene/safe", {s("/track/a"), 2}, "1 (safe) or 0 (not)"},
        {"/scene/list", {1}, "takes no arguments"},
        {"/scene/nope", {}, "unknown address"},
    });
    EXPECT_EQ(target.batches().size(), batches) << "nothing was recalled";
    EXPECT_EQ(target.value("/track/a/gain"), -7.0f);
    auto list = ask(*c, "/scene/list");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->args.size(), 1u);
    EXPECT_EQ(list->text(0), "verse");
}

TEST_F(OscServerTest, SubscribersHearTheRecallsChangesAndTheCurrentScene)
{
    auto tablet = client();
    auto other = client();
    subscribe(*tablet);
    ASSERT_TRUE(tablet->receiveUntilPong()) << "whatever came with the subscription is read";
    ASSERT_TRUE(other->receiveUntilPong());
    other->send("/scene/store", {s("verse"), s("/track/a")});
    auto stored = tablet->receiveAddress("/scene/current", 2000ms);
    ASSERT_TRUE(stored) << "a store makes the scene current: subscribers are told";
    EXPECT_EQ(stored->text(0), "verse");
    EXPECT_EQ(stored->number(1), 0.0);
    target.changeFromElsewhere("/track/a/gain", -20.0f);
    auto dirty = tablet->receiveAddress("/scene/current", 2000ms);
    ASSERT_TRUE(dirty);
    EXPECT_EQ(dirty->number(1), 1.0) << "dirty";
    other->send("/scene/recall", {s("verse")});
    // The feedback and the scene's news come in packets of their own, in either order.
    std::optional<RawMessage> gain, current;
    while (!(gain && current)) {
        auto m = tablet->receive(2000ms);
        ASSERT_TRUE(m) << "the recall's change and the current scene reached the subscriber";
        if (m->address == "/track/a/gain" && m->number(0) == 0.0)
            gain = m;
        else if (m->address == "/scene/current")
            current = m;
    }
    EXPECT_EQ(current->text(0), "verse");
    EXPECT_EQ(current->number(1), 0.0) << "clean again";
}

TEST_F(OscServerTest, ARecallInATimedBundleWaitsForTheBundlesTimeAndLandsOnItsFrameAfterItsSets)
{
    auto c = client();
    target.changeFromElsewhere("/track/a/gain", -6.0f);
    ASSERT_TRUE(ask(*c, "/scene/store", {s("verse"), s("/track/a/gain")}));
    target.changeFromElsewhere("/track/a/gain", 0.0f);
    const auto before = target.batches().size();
    target.engineClock = {96000, monotonicNowNs(), 48000};
    c->sendBundle(toTimetag(std::chrono::system_clock::now() + 500ms),
        {{"/track/b/gain", {-3.0f}}, {"/scene/recall", {s("verse"), 0.5f, s("bar")}}});
    auto accepted = c->receive();
    ASSERT_TRUE(accepted);
    EXPECT_EQ(accepted->address, "/scene/recalled") << "accepted for its time";
    EXPECT_EQ(target.batches().size(), before) << "nothing until shortly before the bundle is due";
    EXPECT_EQ(target.value("/track/a/gain"), 0.0f);
    ASSERT_TRUE(waitFor([&] { return target.batches().size() == before + 2; })) << "the sets, then the recall";
    const auto batches = target.batches();
    const auto& sets = batches[before];
    const auto& recall = batches[before + 1];
    EXPECT_EQ(sets.changes.front().first, "/track/b/gain");
    EXPECT_EQ(recall.changes.front().first, "/track/a/gain");
    EXPECT_NEAR(double(sets.atFrame), 96000.0 + 24000.0, 480.0) << "0.5 s ahead at 48 kHz, within 10 ms";
    EXPECT_EQ(recall.atFrame, sets.atFrame) << "the recall starts with the bundle's sets";
    EXPECT_EQ(recall.line, transport::Boundary::Bar) << "and waits from there for the bar";
    EXPECT_EQ(target.lastFade, 0.5);
}

TEST_F(OscServerTest, ABadRecallOrMarkerInATimedBundleRefusesTheWholeBundle)
{
    auto c = client();
    const auto before = target.batches().size();
    const auto later = toTimetag(std::chrono::system_clock::now() + 300ms);
    c->sendBundle(later, {{"/track/b/gain", {-3.0f}}, {"/scene/recall", {s("nowhere")}}});
    auto refused = c->receive();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->address, "/error");
    EXPECT_EQ(refused->text(0), "/scene/recall");
    auto bundle = c->receive();
    ASSERT_TRUE(bundle);
    EXPECT_EQ(bundle->text(0), "#bundle");
    c->sendBundle(later, {{"/track/b/gain", {-3.0f}}, {"/record/marker", {s("")}}});
    refused = c->receive();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->text(0), "/record/marker");
    EXPECT_NE(refused->text(1).find("1 to 200 characters"), std::string::npos) << refused->text(1);
    EXPECT_TRUE(c->request("/ping"));
    EXPECT_FALSE(waitFor([&] { return target.batches().size() != before; }, 600ms)) << "nothing was applied";
    EXPECT_EQ(target.value("/track/b/gain"), 0.0f);
}

TEST_F(OscServerTest, ARecallWhoseSceneIsGoneAtTheBundlesTimeIsAnErrorToItsSender)
{
    auto c = client();
    ASSERT_TRUE(ask(*c, "/scene/store", {s("verse"), s("/track/a/gain")}));
    c->sendBundle(toTimetag(std::chrono::system_clock::now() + 300ms), {{"/scene/recall", {s("verse")}}});
    auto accepted = c->receive();
    ASSERT_TRUE(accepted);
    ASSERT_EQ(accepted->address, "/scene/recalled");
    ASSERT_TRUE(ask(*c, "/scene/delete", {s("verse")}));
    auto late = c->receive(2000ms);
    ASSERT_TRUE(late) << "told when the bundle's time came";
    EXPECT_EQ(late->address, "/error");
    EXPECT_EQ(late->text(0), "/scene/recall");
    EXPECT_NE(late->text(1).find("verse"), std::string::npos) << late->text(1);
}
