// SPDX-License-Identifier: GPL-3.0-or-later
// The scene book over a control port without an engine (FakeTarget: parameters in a map, every
// batch recorded with its frame): store, recall, safes, undo, blind edits, the current scene.
#include "FakeTarget.h"

#include <gtest/gtest.h>

using namespace backline;
using backline::test::FakeTarget;

namespace {

std::vector<std::string> scope(std::initializer_list<const char*> globs) { return {globs.begin(), globs.end()}; }

} // namespace

TEST(SceneBook, StoreThenRecallPutsEveryValueBackInOneBatch)
{
    FakeTarget t;
    auto& book = t.sceneBook;
    ASSERT_TRUE(t.set("/track/a/gain", -6));
    ASSERT_TRUE(t.set("/track/b/pan", 0.5));
    auto stored = book.store("verse", {});
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(*stored, 10u) << "every parameter of the fake";
    ASSERT_TRUE(t.set("/track/a/gain", 3));
    ASSERT_TRUE(t.set("/track/b/pan", -1));
    ASSERT_TRUE(t.set("/master/gain", -10));
    const auto batchesBefore = t.batches().size();
    ASSERT_TRUE(book.recall("verse"));
    ASSERT_EQ(t.batches().size(), batchesBefore + 1) << "one batch";
    EXPECT_EQ(t.batches().back().changes.size(), 10u);
    EXPECT_EQ(t.batches().back().atFrame, 0u) << "now";
    EXPECT_EQ(t.value("/track/a/gain"), -6.0f);
    EXPECT_EQ(t.value("/track/b/pan"), 0.5f);
    EXPECT_EQ(t.value("/master/gain"), 0.0f);
    EXPECT_EQ(book.list(), std::vector<std::string> {"verse"});
}

TEST(SceneBook, AScopeStoresWhatItsGlobsMatchAndAGlobMatchingNothingIsRefused)
{
    FakeTarget t;
    auto& book = t.sceneBook;
    const auto s = scope({"/track/a", "/track/*/pan"});
    auto stored = book.store("half", s);
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(*stored, 5u) << "a's gain, pan and mute, b's and c's pan";
    const auto bad = scope({"/track/a", "/track/zz/*"});
    auto refused = book.store("bad", bad);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("'/track/zz/*' matches no parameter"), std::string::npos)
        << refused.error().message;
    EXPECT_EQ(book.list(), std::vector<std::string> {"half"}) << "nothing stored";
    auto byName = book.store("b", scope({"b"}));
    ASSERT_TRUE(byName);
    EXPECT_EQ(*byName, 3u) << "a bare name is the whole track";
}

TEST(SceneBook, RecallSafeParametersKeepTheirLiveValueAndUndoPutsBackTheRest)
{
    FakeTarget t;
    auto& book = t.sceneBook;
    ASSERT_TRUE(book.store("flat", {}));
    ASSERT_TRUE(book.setSafe("/track/a/gain", true));
    ASSERT_TRUE(t.set("/track/a/gain", -12));
    ASSERT_TRUE(t.set("/track/b/gain", -24));
    ASSERT_TRUE(book.recall("flat", {2.5, {}}));
    EXPECT_EQ(t.value("/track/a/gain"), -12.0f) << "safe";
    EXPECT_EQ(t.value("/track/b/gain"), 0.0f);
    EXPECT_EQ(t.lastFade, 2.5);
    const auto batches = t.batches();
    for (const auto& [address, value] : batches.back().changes)
        EXPECT_NE(address, "/track/a/gain") << "a safe parameter is not in the batch at all";

    ASSERT_TRUE(t.set("/track/a/gain", -3)); // the engineer moves the safe one meanwhile
    ASSERT_TRUE(book.undo());
    EXPECT_EQ(t.value("/track/b/gain"), -24.0f) << "the value from before the recall";
    EXPECT_EQ(t.value("/track/a/gain"), -3.0f) << "an undo leaves a safe parameter alone too";
    EXPECT_EQ(t.lastFade, 2.5) << "with the recall's fade";
    ASSERT_TRUE(book.undo()) << "a second undo redoes";
    EXPECT_EQ(t.value("/track/b/gain"), 0.0f);
    EXPECT_TRUE(book.setSafe("a", false)) << "a bare track name";
    EXPECT_FALSE(book.setSafe("/track/nope", true)) << "a glob matching nothing";
}

TEST(SceneBook, TheCurrentSceneTurnsDirtyWhenOneOfItsParametersIsSetByAnythingButARecall)
{
    FakeTarget t;
    auto& book = t.sceneBook;
    EXPECT_EQ(book.current().name, "");
    ASSERT_TRUE(book.store("a-only", scope({"/track/a"})));
    auto c = book.current();
    EXPECT_EQ(c.name, "a-only");
    EXPECT_FALSE(c.dirty);
    ASSERT_TRUE(t.set("/track/b/gain", -5));
    EXPECT_FALSE(book.current().dirty) << "b is not in the scene";
    ASSERT_TRUE(book.recall("a-only"));
    EXPECT_FALSE(book.current().dirty) << "the recall's own changes do not count";
    const auto before = book.current().changes;
    ASSERT_TRUE(t.set("/track/a/pan", 0.25));
    c = book.current();
    EXPECT_TRUE(c.dirty);
    EXPECT_GT(c.changes, before) << "surfaces are told";
    ASSERT_TRUE(book.recall("a-only"));
    EXPECT_FALSE(book.current().dirty);
    ASSERT_TRUE(book.undo());
    EXPECT_EQ(book.current().name, "a-only") << "the scene current before the recall, as it was";
    EXPECT_TRUE(book.current().dirty);
}

TEST(SceneBook, ABlindEditChangesTheSceneOnlyByTheParametersRules)
{
    FakeTarget t;
    auto& book = t.sceneBook;
    ASSERT_TRUE(book.store("s", scope({"/track/a"})));
    const auto batches = t.batches().size();
    auto edited = book.edit("s", "/track/a/gain", -9);
    ASSERT_TRUE(edited) << edited.error().message;
    EXPECT_EQ(*edited, -9.0f);
    EXPECT_EQ(t.value("/track/a/gain"), 0.0f) << "nothing playing changed";
    EXPECT_EQ(t.batches().size(), batches);
    ASSERT_TRUE(book.edit("s", "/master/gain", -1)) << "a parameter the scene did not hold joins it";
    EXPECT_FALSE(book.edit("s", "/track/a/gain", 99)) << "out of range";
    EXPECT_FALSE(book.edit("s", "/track/a/mute", 0.5)) << "a switch is 0 or 1";
    EXPECT_FALSE(book.edit("s", "/track/zz/gain", 0)) << "no such parameter";
    EXPECT_FALSE(book.edit("nope", "/track/a/gain", 0));
    auto values = book.get("s");
    ASSERT_TRUE(values);
    ASSERT_EQ(values->size(), 4u);
    EXPECT_EQ((*values)[0], (port::ParamChange {"/track/a/gain", -9.0}));
    EXPECT_EQ((*values)[3], (port::ParamChange {"/master/gain", -1.0}));
    ASSERT_TRUE(book.recall("s"));
    EXPECT_EQ(t.value("/track/a/gain"), -9.0f);
    EXPECT_EQ(t.value("/master/gain"), -1.0f);
}

TEST(SceneBook, BadRecallsChangeNothing)
{
    FakeTarget t;
    auto& book = t.sceneBook;
    ASSERT_TRUE(book.store("verse", {}));
    ASSERT_TRUE(t.set("/track/a/gain", -7));
    const auto batches = t.batches().size();
    auto unknown = book.recall("vrese");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message, "unknown scene 'vrese' (did you mean 'verse'?)");
    for (double fade : {-1.0, std::nan(""), 1e9}) {
        auto r = book.recall("verse", {fade, {}});
        ASSERT_FALSE(r) << fade;
        EXPECT_NE(r.error().message.find("a fade must be from 0 to 3600 seconds"), std::string::npos);
    }
    EXPECT_EQ(t.batches().size(), batches);
    EXPECT_EQ(t.value("/track/a/gain"), -7.0f);
    EXPECT_FALSE(book.undo()) << "nothing recalled yet";
}

TEST(SceneBook, DeleteAndRenameKeepTheCurrentSceneTrue)
{
    FakeTarget t;
    auto& book = t.sceneBook;
    ASSERT_TRUE(book.store("one", {}));
    ASSERT_TRUE(book.store("two", {}));
    ASSERT_TRUE(book.rename("two", "chorus"));
    EXPECT_EQ(book.current().name, "chorus");
    EXPECT_FALSE(book.rename("one", "chorus")) << "taken";
    EXPECT_FALSE(book.rename("nope", "x"));
    EXPECT_FALSE(book.rename("one", "")) << "a name is needed";
    EXPECT_EQ(book.list(), (std::vector<std::string> {"one", "chorus"}));
    ASSERT_TRUE(book.remove("chorus"));
    EXPECT_EQ(book.current().name, "") << "the current scene went";
    EXPECT_FALSE(book.remove("chorus"));
    EXPECT_EQ(book.list(), std::vector<std::string> {"one"});
}

TEST(SceneBook, AQuantisedRecallCarriesItsLineToTheAudioThreadAndANowRecallLandsAtTheNextBlock)
{
    // The line is found on the audio thread from the transport as it stands then (LineCommands):
    // the book hands it on, stopped or rolling, and does not turn it into a frame.
    FakeTarget t;
    auto& book = t.sceneBook;
    ASSERT_TRUE(book.store("s", scope({"/track/a"})));
    ASSERT_TRUE(book.recall("s", {{}, port::RecallWhen {transport::Boundary::Bar}}));
    EXPECT_EQ(t.batches().back().line, transport::Boundary::Bar);
    ASSERT_TRUE(t.fakeTransport.play(0));
    ASSERT_TRUE(book.recall("s", {{}, port::RecallWhen {transport::Boundary::Beat}}));
    EXPECT_EQ(t.batches().back().line, transport::Boundary::Beat);
    EXPECT_EQ(t.batches().back().atFrame, 0u);
    ASSERT_TRUE(book.recall("s"));
    EXPECT_EQ(t.batches().back().line, std::nullopt) << "now, the session's default";
    EXPECT_EQ(t.batches().back().atFrame, 0u);
    ASSERT_TRUE(book.undo());
    EXPECT_EQ(t.batches().back().line, std::nullopt) << "an undo lands at once";
}
