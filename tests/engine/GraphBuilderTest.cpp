// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineFixture.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

using namespace backline;

namespace {

/// Builds yaml's graph and returns the error message (empty on success).
std::string buildError(const std::string& yaml, std::filesystem::path dir = BACKLINE_TEST_DATA_DIR)
{
    auto spec = session::loadSessionText(yaml, dir / "session.yaml");
    if (!spec)
        return "load: " + spec.error().message;
    faust::JitCompiler jit({});
    auto graph = engine::buildGraph(*spec, 48000, 256, [&](const session::DspSpec& dsp) {
        return dsp.kind == session::DspSpec::Kind::Builtin ? faust::builtinFactory(dsp.builtin) : jit.compile(dsp.file);
    });
    return graph ? std::string() : graph.error().message;
}

} // namespace

TEST(GraphBuilder, ExposesStripDspAndMasterParametersUnderTheirAddresses)
{
    backline::test::OfflineSession s("backline: 1\ntracks:\n  - name: lead\n    dsp: tone\nmaster:\n  gain: -1\n");
    const auto all = s.control.all();
    auto has = [&](const std::string& address) {
        return std::any_of(all.begin(), all.end(), [&](const auto& p) { return p.info.address == address; });
    };
    EXPECT_TRUE(has("/track/lead/gain"));
    EXPECT_TRUE(has("/track/lead/pan"));
    EXPECT_TRUE(has("/track/lead/mute"));
    EXPECT_TRUE(has("/track/lead/dsp/freq"));
    EXPECT_TRUE(has("/track/lead/dsp/level"));
    EXPECT_TRUE(has("/master/gain"));
    auto gain = s.control.get("/track/lead/gain");
    ASSERT_TRUE(gain);
    EXPECT_EQ(gain->info.unit, "dB");
    EXPECT_FLOAT_EQ(s.control.get("/master/gain")->value, -1.0f);
}

TEST(GraphBuilder, UnknownBuiltinIsReportedAtTheDspKeyWithTheNamesThereAre)
{
    const auto error = buildError("backline: 1\ntracks:\n  - name: a\n    dsp: nosuchdsp\n");
    EXPECT_NE(error.find("session.yaml:4:10"), std::string::npos) << error;
    EXPECT_NE(error.find("nosuchdsp"), std::string::npos) << error;
    EXPECT_NE(error.find("tone"), std::string::npos) << error;
}

TEST(GraphBuilder, UnknownDspParameterIsReportedWithWhatTheDspHas)
{
    const auto error = buildError("backline: 1\ntracks:\n  - name: a\n    dsp: tone\n    params:\n      frq: 100\n");
    EXPECT_NE(error.find("session.yaml:6:"), std::string::npos) << error;
    EXPECT_NE(error.find("'frq'"), std::string::npos) << error;
    EXPECT_NE(error.find("freq"), std::string::npos) << error;
}

TEST(GraphBuilder, OutOfRangeDspParameterIsRefused)
{
    const auto error = buildError("backline: 1\ntracks:\n  - name: a\n    dsp: tone\n    params:\n      freq: 99999\n");
    EXPECT_NE(error.find("session.yaml:6:"), std::string::npos) << error;
    EXPECT_NE(error.find("20"), std::string::npos) << error;
}

TEST(GraphBuilder, BrokenDspFileReportsTheSessionPositionTheFileAndFaustsMessage)
{
    const auto dir = std::filesystem::temp_directory_path() / "backline-graphbuilder-test";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "broken.dsp") << "process = undefined_thing;\n";
    const auto error = buildError("backline: 1\ntracks:\n  - name: a\n    dsp: broken.dsp\n", dir);
    EXPECT_NE(error.find("session.yaml:4:10"), std::string::npos) << error;
    EXPECT_NE(error.find("broken.dsp"), std::string::npos) << error;
    EXPECT_NE(error.find("undefined_thing"), std::string::npos) << error;
}

namespace {

/// Track a (500 Hz or 1 kHz tone) with every kind of parameter a surface sets — a DSP control,
/// gain, pan, routing, a send and its pre/post switch — and track b muted or not.
std::string carrySession(const std::string& trackA, const std::string& trackB)
{
    return "backline: 1\n"
           "tracks:\n"
           "  - name: a\n    dsp: tone\n"
        + trackA
        + "  - name: b\n    dsp: tone\n    params: {freq: 3000, level: -20}\n" + trackB
        + "buses:\n"
          "  - name: fx\n    kind: aux\n    dsp: delay\n"
          "  - name: grp\n    kind: group\n";
}

} // namespace

// After a JACK restart the session comes back with what surfaces had set: carried into the
// graph as its starting values, it must sound exactly as if the file had said them, from the
// first frame (no glide from the file's values).
TEST(GraphBuilder, CarriedValuesStartTheGraphExactlyAsIfTheSessionHadSaidThem)
{
    backline::test::OfflineSession written(carrySession(
        "    params: {freq: 500}\n    gain: -6\n    pan: 0.5\n    output: grp\n"
        "    sends:\n      - {bus: fx, level: -10, pre: true}\n",
        "    mute: true\n"));
    const engine::CarriedValues carried {{"/track/a/dsp/freq", 500.0f}, {"/track/a/gain", -6.0f},
        {"/track/a/pan", 0.5f}, {"/track/a/route/master", 0.0f}, {"/track/a/route/grp", 1.0f},
        {"/track/a/send/fx/level", -10.0f}, {"/track/a/send/fx/pre", 1.0f}, {"/track/b/mute", 1.0f},
        // What this graph cannot take is left out, the session's value standing.
        {"/track/gone/gain", -3.0f}, {"/track/a/gain", 99.0f}, {"/track/a/pan", std::nanf("")}};
    backline::test::OfflineSession carriedIn(carrySession("", ""), 256, BACKLINE_TEST_DATA_DIR, carried);
    const auto [wl, wr] = written.render(0.5);
    const auto [cl, cr] = carriedIn.render(0.5);
    EXPECT_EQ(wl, cl);
    EXPECT_EQ(wr, cr);
    EXPECT_FLOAT_EQ(carriedIn.control.get("/track/a/gain")->value, -6.0f);
    EXPECT_FLOAT_EQ(carriedIn.control.get("/track/b/mute")->value, 1.0f);
    // Sanity: the values make a difference, or the comparison above proves nothing.
    backline::test::OfflineSession plain(carrySession("", ""));
    EXPECT_NE(plain.render(0.5).first, wl);
}

// A session that starts with a track soloed sounds from its first frame as with the others
// muted: the engine's switches start where they are set rather than gliding there.
TEST(GraphBuilder, ASoloedSessionSoundsSoloedFromItsFirstFrame)
{
    backline::test::OfflineSession soloed(carrySession("    params: {freq: 1000}\n", "    solo: true\n"));
    backline::test::OfflineSession muted(carrySession("    params: {freq: 1000}\n    mute: true\n", ""));
    EXPECT_EQ(soloed.render(0.1).first, muted.render(0.1).first);
}

// The reload rule (issue 10 item 6): a value set live is kept where the new file says what the
// old one said for it, and the file's value wins where the file changed it.
TEST(GraphBuilder, ACarriedValueStartsItsParameterOnlyWhereTheNewSessionSaysWhatTheOldOneSaid)
{
    backline::test::OfflineSession edited(carrySession("    gain: -6\n    params: {freq: 700}\n", ""));
    const auto& graph = *edited.installedGraph();
    // Both set live; the old file said gain -6 (unchanged) and freq 500 (now 700).
    const engine::CarriedValue keptGain {"/track/a/gain", -20.0f, -6.0f};
    const engine::CarriedValue changedFreq {"/track/a/dsp/freq", 440.0f, 500.0f};
    // The DSP's default (the file said nothing, before and now).
    const engine::CarriedValue defaultLevel {"/track/b/pan", 0.25f, 0.0f};
    EXPECT_TRUE(engine::carryTarget(graph, keptGain));
    EXPECT_FALSE(engine::carryTarget(graph, changedFreq));
    EXPECT_TRUE(engine::carryTarget(graph, defaultLevel));
    // Without what the old session said, a value is carried as after a JACK restart.
    EXPECT_TRUE(engine::carryTarget(graph, {"/track/a/dsp/freq", 440.0f}));

    backline::test::OfflineSession reloaded(carrySession("    gain: -6\n    params: {freq: 700}\n", ""), 256,
        BACKLINE_TEST_DATA_DIR, {keptGain, changedFreq, defaultLevel});
    EXPECT_FLOAT_EQ(reloaded.control.get("/track/a/gain")->value, -20.0f);
    EXPECT_FLOAT_EQ(reloaded.control.get("/track/a/dsp/freq")->value, 700.0f);
    EXPECT_FLOAT_EQ(reloaded.control.get("/track/b/pan")->value, 0.25f);
    // And the graph remembers what its file said, for the next reload.
    const auto gain = reloaded.installedGraph()->params->find("/track/a/gain");
    ASSERT_TRUE(gain);
    EXPECT_FLOAT_EQ(reloaded.installedGraph()->sessionValues[*gain], -6.0f);
}
