// SPDX-License-Identifier: GPL-3.0-or-later
// The backlined command line as a user meets it: bad sessions, no JACK, offline renders.
#include "Harness.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <sndfile.h>

#include <cmath>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

struct Run {
    int code;
    std::string output;
};

Run runBacklined(const TempDir& dir, std::vector<std::string> args)
{
    args.insert(args.begin(), backlinedPath().string());
    Process p(args, dir.path() / "run.log");
    auto code = p.wait(60s);
    return {code.value_or(-1), p.output()};
}

} // namespace

TEST(DaemonCli, YamlSyntaxErrorExitsNonZeroWithFileLineColumn)
{
    TempDir dir;
    auto file = dir.write("bad.yaml", "backline: 1\ntracks:\n  - name: [unclosed\n");
    auto r = runBacklined(dir, {"--session", file.string(), "--jack-server", "none-needed"});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("bad.yaml:"), std::string::npos) << r.output;
}

TEST(DaemonCli, UnknownKeyExitsNonZeroWithFileLineColumn)
{
    TempDir dir;
    auto file = dir.write("typo.yaml", "backline: 1\ntracks:\n  - name: a\n    gian: -3\n");
    auto r = runBacklined(dir, {"--session", file.string()});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("typo.yaml:4:5"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("gian"), std::string::npos) << r.output;
}

TEST(DaemonCli, BrokenDspExitsNonZeroWithTheSessionPositionAndFaustsMessage)
{
    TempDir dir;
    dir.write("broken.dsp", "import(\"stdfaust.lib\");\nprocess = os.osc(440) : nonexistent_fn;\n");
    auto file = dir.write("s.yaml", "backline: 1\ntracks:\n  - name: a\n    dsp: broken.dsp\n");
    // Offline, so the check needs no JACK server and the exit comes from the DSP alone.
    auto r = runBacklined(dir, {"--session", file.string(), "--render", (dir.path() / "o.wav").string(), "--no-cache"});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("s.yaml:4:10"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("broken.dsp"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nonexistent_fn"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "o.wav"));
}

TEST(DaemonCli, MissingJackServerExitsNonZeroWithAClearMessage)
{
    TempDir dir;
    auto file = dir.write("s.yaml", "backline: 1\ntracks: []\n");
    auto r = runBacklined(dir, {"--session", file.string(), "--jack-server", "no_such_server_here"});
    EXPECT_EQ(r.code, 3) << r.output;
    EXPECT_NE(r.output.find("cannot connect to JACK server 'no_such_server_here'"), std::string::npos) << r.output;
}

TEST(DaemonCli, MissingSessionFileExitsNonZeroNamingIt)
{
    TempDir dir;
    auto r = runBacklined(dir, {"--session", (dir.path() / "nope.yaml").string()});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("nope.yaml"), std::string::npos) << r.output;
}

TEST(DaemonCli, HelpAndVersionExitZero)
{
    TempDir dir;
    auto help = runBacklined(dir, {"--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.output.find("--jack-server"), std::string::npos);
    auto version = runBacklined(dir, {"--version"});
    EXPECT_EQ(version.code, 0);
    EXPECT_NE(version.output.find("backlined"), std::string::npos);
}

TEST(DaemonCli, RenderWritesTheMasterOutputWithoutJack)
{
    TempDir dir;
    auto file = dir.write("s.yaml", "backline: 1\nsample_rate: 44100\ntracks:\n  - name: t\n    dsp: tone\n"
                                    "    params: {level: -20}\n    gain: -6\n    pan: -1\n");
    const auto out = dir.path() / "out.wav";
    auto r = runBacklined(dir, {"--session", file.string(), "--render", out.string(), "--duration", "2"});
    ASSERT_EQ(r.code, 0) << r.output;
    SF_INFO info {};
    SNDFILE* f = sf_open(out.c_str(), SFM_READ, &info);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(info.samplerate, 44100);
    EXPECT_EQ(info.channels, 2);
    EXPECT_EQ(info.frames, 88200);
    std::vector<float> interleaved(std::size_t(info.frames) * 2);
    sf_readf_float(f, interleaved.data(), info.frames);
    sf_close(f);
    std::vector<float> left, right;
    for (std::size_t i = std::size_t(info.frames) / 2; i < std::size_t(info.frames); ++i) {
        left.push_back(interleaved[2 * i]);
        right.push_back(interleaved[2 * i + 1]);
    }
    EXPECT_NEAR(rmsDb(left), -29.03, 0.05);
    EXPECT_LT(peakDb(right), -120.0);
}

TEST(DaemonCli, RenderFeedsTrackInputsFromTheFilesTheSessionNames)
{
    TempDir dir;
    const auto in = dir.path() / "in.wav";
    SF_INFO info {};
    info.samplerate = 48000;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open(in.c_str(), SFM_WRITE, &info);
    auto signal = sine(48000, 440.0, 48000.0, 0.25);
    sf_writef_float(f, signal.data(), sf_count_t(signal.size()));
    sf_close(f);
    auto file = dir.write("s.yaml", "backline: 1\ntracks:\n  - name: t\n    input_file: in.wav\n    pan: 1\n");
    const auto out = dir.path() / "out.wav";
    auto r = runBacklined(dir, {"--session", file.string(), "--render", out.string(), "--duration", "1"});
    ASSERT_EQ(r.code, 0) << r.output;
    SF_INFO outInfo {};
    SNDFILE* o = sf_open(out.c_str(), SFM_READ, &outInfo);
    ASSERT_NE(o, nullptr);
    std::vector<float> interleaved(std::size_t(outInfo.frames) * 2);
    sf_readf_float(o, interleaved.data(), outInfo.frames);
    sf_close(o);
    std::vector<float> right;
    for (std::size_t i = 24000; i < std::size_t(outInfo.frames); ++i)
        right.push_back(interleaved[2 * i + 1]);
    EXPECT_NEAR(toneDb(right, 440.0, 48000.0), 20.0 * std::log10(0.25), 0.1);
}
