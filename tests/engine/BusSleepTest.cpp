// SPDX-License-Identifier: GPL-3.0-or-later
// A bus nobody feeds costs nothing: its DSP sleeps once its input is silent and its tail has
// played out under the last bit of 24-bit audio, and wakes where it stopped on the frame its
// input sounds again, whatever the block size.
#include "EngineFixture.h"
#include "Signal.h"
#include "TrackTaps.h"

#include "core/Config.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <unistd.h>

using backline::test::OfflineSession;
using backline::test::TrackTaps;
using namespace backline;

namespace {

constexpr int rate = 48000;
/// Frames of the input file: two bursts of a 1 kHz tone, the second starting mid-block for
/// every block size the tests use.
constexpr std::size_t burstFrames = 4800;
constexpr std::size_t secondBurst = 2 * rate + 1237;
constexpr std::size_t fileFrames = 3 * rate;

/// A folder holding bursts.wav for one test.
class BurstFile {
public:
    BurstFile()
        : dir_(std::filesystem::temp_directory_path() / ("backline-bus-sleep-" + std::to_string(::getpid())))
    {
        std::filesystem::create_directories(dir_);
        std::vector<float> x(fileFrames, 0.0f);
        for (std::size_t start : {std::size_t(0), secondBurst})
            for (std::size_t i = 0; i < burstFrames; ++i)
                x[start + i] = 0.5f * float(std::sin(2.0 * std::numbers::pi * 1000.0 * double(i) / rate));
        SF_INFO info {};
        info.samplerate = rate;
        info.channels = 1;
        info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
        SNDFILE* f = sf_open((dir_ / "bursts.wav").c_str(), SFM_WRITE, &info);
        EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
        if (f) {
            sf_writef_float(f, x.data(), sf_count_t(x.size()));
            sf_close(f);
        }
    }
    ~BurstFile() { std::filesystem::remove_all(dir_); }
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
};

/// The bursts sent pre-fader to a reverb return that sleeps after `sleep`; the track's own
/// fader is down.
std::string burstsIntoReverb(const std::string& sleep)
{
    return "backline: 1\nbuses:\n  - name: verb\n    dsp: reverb\n    params: {decay: 0.3, predelay: 10}\n    sleep: " + sleep
        + "\ntracks:\n  - name: b\n    input_file: bursts.wav\n    strip: {eq/on: 0}\n"
          "    sends: [{bus: verb, level: 0, pre: true}]\n    gain: -120\n";
}

engine::TapPoint busOut(std::uint32_t bus) { return {engine::TapPoint::Kind::Bus, bus}; }

/// The first frame from which x stays exactly 0 up to `until`; until when x[until - 1] is not 0.
std::size_t silentFrom(const std::vector<float>& x, std::size_t until)
{
    std::size_t at = until;
    while (at > 0 && x[at - 1] == 0.0f)
        --at;
    return at;
}

double largestDifference(const std::vector<float>& a, const std::vector<float>& b, std::size_t from, std::size_t to)
{
    double d = 0.0;
    for (std::size_t i = from; i < to; ++i)
        d = std::max(d, double(std::fabs(a[i] - b[i])));
    return d;
}

} // namespace

TEST(BusSleep, AReturnNobodyFeedsSleepsAndPlaysExactSilence)
{
    OfflineSession s("backline: 1\nbuses:\n  - name: verb\n    dsp: reverb\n    sleep: 0.25\n  - name: echo\n    dsp: delay\n"
                     "tracks:\n  - name: t\n    dsp: tone\n");
    TrackTaps taps(s, std::vector {busOut(0), busOut(1)}, rate);
    const auto played = taps.render(0.5);
    const engine::Graph& graph = *s.installedGraph();
    EXPECT_TRUE(graph.buses[0].asleep) << "a reverb nobody sends to still runs after its 0.25 s";
    EXPECT_FALSE(graph.buses[1].asleep) << "a delay at the default 10 s fell asleep after 0.5 s";
    for (const auto& bus : played)
        EXPECT_EQ(backline::test::peak(bus.left, 0, bus.left.size()) + backline::test::peak(bus.right, 0, bus.right.size()), 0.0);
}

TEST(BusSleep, TheTailPlaysOutThenItSleepsAndWakesOnTheFrameItsInputSounds)
{
    BurstFile file;
    OfflineSession sleeper(burstsIntoReverb("0.5"), 256, file.dir());
    OfflineSession awake(burstsIntoReverb("never"), 256, file.dir());
    TrackTaps sleeperTap(sleeper, std::vector {busOut(0)}, fileFrames);
    TrackTaps awakeTap(awake, std::vector {busOut(0)}, fileFrames);
    const engine::Graph& graph = *sleeper.installedGraph();

    // Up to just before the second burst (a whole number of blocks): asleep by then.
    const double firstPart = 2.0;
    auto a = sleeperTap.render(firstPart)[0];
    auto b = awakeTap.render(firstPart)[0];
    ASSERT_LT(a.left.size(), secondBurst);
    EXPECT_TRUE(graph.buses[0].asleep) << "1.9 s after its input fell silent the return still runs";
    const std::size_t sleptAt = std::min(silentFrom(a.left, a.left.size()), silentFrom(a.right, a.right.size()));
    // The tail is heard whole: nothing differs until it sleeps, after its input has been silent
    // (from burstFrames on) for the 0.5 s asked, and the tail it cut was under 2^-24.
    EXPECT_GE(sleptAt, burstFrames + std::size_t(0.5 * rate));
    EXPECT_EQ(largestDifference(a.left, b.left, 0, sleptAt), 0.0);
    EXPECT_EQ(largestDifference(a.right, b.right, 0, sleptAt), 0.0);
    EXPECT_GT(backline::test::peak(b.left, burstFrames, burstFrames + 4800), 1e-3) << "no reverb tail to speak of";
    EXPECT_LE(backline::test::peak(b.left, sleptAt, b.left.size()), config::silenceFloor);
    EXPECT_LE(backline::test::peak(b.right, sleptAt, b.right.size()), config::silenceFloor);

    // The second burst wakes it: the same sound as the return that never slept, but for how the
    // sub-floor tail went on decaying in the one that never slept.
    const auto a2 = sleeperTap.render(double(fileFrames) / rate - firstPart)[0];
    const auto b2 = awakeTap.render(double(fileFrames) / rate - firstPart)[0];
    EXPECT_FALSE(graph.buses[0].asleep) << "the second burst did not wake it";
    a.left.insert(a.left.end(), a2.left.begin(), a2.left.end());
    b.left.insert(b.left.end(), b2.left.begin(), b2.left.end());
    ASSERT_EQ(a.left.size(), fileFrames);
    EXPECT_EQ(backline::test::peak(a.left, sleptAt, secondBurst), 0.0);
    EXPECT_GT(backline::test::peak(a.left, secondBurst, secondBurst + 4800), 1e-2) << "awake, it does not sound";
    EXPECT_LT(largestDifference(a.left, b.left, secondBurst, fileFrames), 1e-6);
}

TEST(BusSleep, WhatItPlaysIsTheSameBitsWhateverTheBlockSize)
{
    // Besides the reverb, a tremolo whose oscillator only turns while it is computed: had it
    // slept or woken a frame off, its phase after the second burst would differ.
    BurstFile file;
    std::ofstream(file.dir() / "trem.dsp") << "import(\"stdfaust.lib\");\nprocess = par(i, 2, *(0.5 + 0.5 * os.osc(3.7)));\n";
    std::string withTrem = burstsIntoReverb("0.5");
    withTrem.replace(withTrem.find("tracks:"), 0, "  - name: trem\n    dsp: trem.dsp\n    sleep: 0.3\n");
    withTrem.replace(withTrem.find("sends: [{bus: verb, level: 0, pre: true}]"), 41,
        "sends: [{bus: verb, level: 0, pre: true}, {bus: trem, level: -6, pre: true}]");
    std::vector<std::vector<float>> verbs, trems;
    for (std::uint32_t block : {256u, 100u, 37u}) {
        OfflineSession s(withTrem, block, file.dir());
        TrackTaps tap(s, std::vector {busOut(0), busOut(1)}, fileFrames);
        auto first = tap.render(2.0);
        EXPECT_TRUE(s.installedGraph()->buses[0].asleep) << "block " << block;
        EXPECT_TRUE(s.installedGraph()->buses[1].asleep) << "block " << block;
        auto rest = tap.render(double(fileFrames) / rate - 2.0);
        for (std::size_t b = 0; b < 2; ++b)
            first[b].left.insert(first[b].left.end(), rest[b].left.begin(), rest[b].left.end());
        verbs.push_back(first[0].left);
        trems.push_back(first[1].left);
        ASSERT_EQ(verbs.back().size(), fileFrames) << "block " << block;
        ASSERT_EQ(trems.back().size(), fileFrames) << "block " << block;
    }
    EXPECT_GT(backline::test::peak(trems[0], secondBurst, secondBurst + 4800), 1e-2) << "the tremolo does not play the second burst";
    for (std::size_t i = 1; i < verbs.size(); ++i) {
        EXPECT_EQ(std::memcmp(verbs[0].data(), verbs[i].data(), fileFrames * sizeof(float)), 0) << "reverb, block size " << i;
        EXPECT_EQ(std::memcmp(trems[0].data(), trems[i].data(), fileFrames * sizeof(float)), 0) << "tremolo, block size " << i;
    }
}

TEST(BusSleep, ADspWithoutInputsPlaysAndNeverSleeps)
{
    // A generator on a bus (the tone, with nothing sent to it) plays; and it never sleeps, even
    // silent: a DSP with no inputs may sound again at any moment.
    OfflineSession s("backline: 1\nbuses:\n  - name: gen\n    dsp: tone\n    params: {level: -20}\n    sleep: 0.1\n"
                     "  - name: mute\n    dsp: tone\n    params: {level: -120}\n    sleep: 0.1\ntracks: []\n");
    TrackTaps taps(s, std::vector {busOut(0)}, rate);
    const auto played = taps.render(0.5)[0].left;
    EXPECT_NEAR(20.0 * std::log10(backline::test::peak(played, rate / 4, played.size())), -20.0, 0.1);
    EXPECT_FALSE(s.installedGraph()->buses[0].asleep);
    EXPECT_FALSE(s.installedGraph()->buses[1].asleep);
}
