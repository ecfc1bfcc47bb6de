// SPDX-License-Identifier: GPL-3.0-or-later
// The session's show keys: read with their positions (scenes:, safe:, scene_recall:), then
// checked against the parameters a graph has, errors at the value at fault.
#include "session/SessionLoader.h"
#include "show/SceneCheck.h"

#include <gtest/gtest.h>

using namespace backline;

namespace {

const char* tracks = "backline: 1\ntracks:\n  - name: gtr\n  - name: vox\n";

/// The parameters of the session above, as far as these tests need them.
std::vector<port::ParamInfo> params()
{
    std::vector<port::ParamInfo> out;
    for (const char* t : {"gtr", "vox"}) {
        out.push_back({std::string("/track/") + t + "/gain", "dB", port::ParamKind::Continuous, -120, 12, 0, 0, false});
        out.push_back({std::string("/track/") + t + "/mute", "", port::ParamKind::Toggle, 0, 1, 0, 1, false});
    }
    return out;
}

/// The error of loading then checking yaml against params(), or "(fine)".
std::string problem(const std::string& show)
{
    auto spec = session::loadSessionText(std::string(tracks) + show, "/shows/gig.yaml");
    if (!spec)
        return spec.error().message;
    const auto p = params();
    auto r = show::checkScenes(*spec, p);
    return r ? std::string("(fine)") : r.error().message;
}

} // namespace

TEST(SceneKeys, ScenesSafesAndDefaultsReadAsTheIssueWritesThem)
{
    auto spec = session::loadSessionText(std::string(tracks) + R"(scenes:
  verse:  {/track/gtr/gain: -6, /track/vox/mute: 1}
  chorus: {/track/gtr/gain: 0}
  empty:
safe: [/track/vox/gain, gtr]
scene_recall: {when: bar, fade: 2}
)",
        "gig.yaml");
    ASSERT_TRUE(spec) << spec.error().message;
    ASSERT_EQ(spec->scenes.size(), 3u);
    EXPECT_EQ(spec->scenes[0].name, "verse");
    ASSERT_EQ(spec->scenes[0].values.size(), 2u);
    EXPECT_EQ(spec->scenes[0].values[0].address, "/track/gtr/gain");
    EXPECT_EQ(spec->scenes[0].values[0].value, -6.0);
    EXPECT_EQ(spec->scenes[0].values[1].where.str(), "gig.yaml:6:50");
    EXPECT_EQ(spec->scenes[1].name, "chorus");
    EXPECT_TRUE(spec->scenes[2].values.empty());
    ASSERT_EQ(spec->safe.size(), 2u);
    EXPECT_EQ(spec->safe[1].glob, "gtr");
    EXPECT_EQ(spec->sceneRecall.fadeSeconds, 2.0);
    EXPECT_EQ(spec->sceneRecall.when, port::RecallWhen {transport::Boundary::Bar});
    const auto p = params();
    EXPECT_TRUE(show::checkScenes(*spec, p));

    auto plain = session::loadSessionText(tracks, "gig.yaml");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->sceneRecall.when, port::RecallWhen {}) << "now, unless the session says";
    EXPECT_EQ(plain->sceneRecall.fadeSeconds, 0.0);
}

TEST(SceneKeys, AnUnknownAddressOrABadValueIsAnErrorAtItsPosition)
{
    EXPECT_EQ(problem("scenes:\n  verse: {/track/gtr/gian: -6}\n"),
        "/shows/gig.yaml:6:28: scene 'verse' sets unknown parameter '/track/gtr/gian' (did you mean "
        "'/track/gtr/gain'?)");
    EXPECT_EQ(problem("scenes:\n  verse:\n    /track/gtr/gain: 40\n"),
        "/shows/gig.yaml:7:22: scene 'verse': /track/gtr/gain: 40 is out of range (-120 to 12 dB)");
    EXPECT_EQ(problem("scenes:\n  verse: {/track/vox/mute: 0.5}\n"),
        "/shows/gig.yaml:6:28: scene 'verse': /track/vox/mute: expects 0 or 1, got 0.5");
    EXPECT_EQ(problem("safe: [/track/drums/*]\n"), "/shows/gig.yaml:5:8: in 'safe': '/track/drums/*' matches no parameter");
    EXPECT_EQ(problem("scenes:\n  verse: {gain: 1}\n"),
        "/shows/gig.yaml:6:11: in scene 'verse': 'gain' is not a parameter's address (they start with '/', like "
        "/track/vox/gain)");
    EXPECT_EQ(problem("scenes:\n  verse: {/track/gtr/gain: loud}\n"),
        "/shows/gig.yaml:6:28: '/track/gtr/gain' must be a number, got 'loud'");
    EXPECT_EQ(problem("scene_recall: {when: later}\n"), "/shows/gig.yaml:5:22: 'when' must be now, beat or bar, got 'later'");
    EXPECT_EQ(problem("scene_recall: {fade: -1}\n"),
        "/shows/gig.yaml:5:22: 'fade' must be a number in seconds from 0 to 3600, got '-1'");
    EXPECT_EQ(problem("scenes: [verse]\n"), "/shows/gig.yaml:5:9: 'scenes' must be a map of keys and values, got a list");
    EXPECT_EQ(problem("safe: /track/vox\n"),
        "/shows/gig.yaml:5:7: 'safe' must be a list of addresses, globs or track names like [/track/vox/gain, drums], "
        "got '/track/vox'");
}
