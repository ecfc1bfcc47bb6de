// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineFixture.h"

#include <gtest/gtest.h>

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
    const auto all = s.control.snapshot();
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
