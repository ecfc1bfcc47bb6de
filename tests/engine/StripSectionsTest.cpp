// SPDX-License-Identifier: GPL-3.0-or-later
// The channel strip's sections as the engine runs them: off means untouched and not computed;
// on and off crossfade over 20 ms without a step; the compressor warms up unheard before it
// fades in; trim and polarity are exact once they have glided.
#include "EngineFixture.h"
#include "Signal.h"
#include "TrackTaps.h"

#include "core/Decibels.h"
#include "faust/DspFactory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

using backline::test::OfflineSession;
using backline::test::TrackTaps;
using namespace backline;

namespace {

constexpr int rate = 48000;

/// Tracks playing one tone each through strips set as given, faders at 0 dB, centred.
std::string toneTracks(const std::vector<std::string>& strips, double freq = 997.0, double levelDb = -12.0)
{
    std::string yaml = "backline: 1\ntracks:\n";
    for (std::size_t i = 0; i < strips.size(); ++i)
        yaml += "  - name: t" + std::to_string(i) + "\n    dsp: tone\n    params: {freq: " + std::to_string(freq)
            + ", level: " + std::to_string(levelDb) + "}\n    strip: {" + strips[i] + "}\n";
    return yaml;
}

/// The largest sample-to-sample step in x[from, to).
double largestStep(const std::vector<float>& x, std::size_t from, std::size_t to)
{
    double step = 0.0;
    for (std::size_t i = std::max<std::size_t>(from, 1); i < to && i < x.size(); ++i)
        step = std::max(step, double(std::fabs(x[i] - x[i - 1])));
    return step;
}

double peakDb(const std::vector<float>& x, std::size_t from, std::size_t to) { return 20.0 * std::log10(backline::test::peak(x, from, to)); }

/// What the tone and the mono fader compute on their own, block by block: the track with
/// nothing in between.
std::pair<std::vector<float>, std::vector<float>> toneThroughFader(double freq, double levelDb, std::size_t frames)
{
    auto tone = faust::builtinFactory("tone").value()->instantiate(rate).value();
    auto fader = faust::builtinFactory("fader_mono").value()->instantiate(rate).value();
    *tone->findParam("freq")->zone = float(freq);
    *tone->findParam("level")->zone = float(levelDb);
    std::vector<float> mono(256), l(256), r(256), left, right;
    for (std::size_t done = 0; done < frames; done += 256) {
        float* none[1] = {nullptr};
        float* m[1] = {mono.data()};
        float* lr[2] = {l.data(), r.data()};
        tone->compute(256, none, m);
        fader->compute(256, m, lr);
        left.insert(left.end(), l.begin(), l.end());
        right.insert(right.end(), r.begin(), r.end());
    }
    return {left, right};
}

} // namespace

TEST(StripSections, OffMeansTheSignalPassesUntouchedAndNothingIsComputed)
{
    OfflineSession s(toneTracks({"eq/on: 0", "", "hpf/on: 0, gate/on: 0, eq/on: 0, comp/on: 0, trim: 0, polarity: 0"}));
    TrackTaps taps(s, {0, 1, 2});
    const auto played = taps.render(0.5);
    auto reference = toneThroughFader(997.0, -12.0, played[0].left.size());
    reference.first.resize(played[0].left.size());
    reference.second.resize(played[0].left.size());
    for (std::size_t t = 0; t < 3; ++t) {
        EXPECT_EQ(std::memcmp(played[t].left.data(), reference.first.data(), reference.first.size() * sizeof(float)), 0)
            << "track " << t << " is not the tone through its fader, bit for bit";
        EXPECT_EQ(std::memcmp(played[t].right.data(), reference.second.data(), reference.second.size() * sizeof(float)), 0)
            << "track " << t;
    }
    const engine::Graph& graph = *s.installedGraph();
    for (std::size_t t : {0u, 2u})
        for (const auto& section : graph.tracks[t].sections)
            EXPECT_FALSE(section.running) << "track " << t << ": a section that is off was computed";
    // The default strip runs its EQ (on, flat: bit-transparent) and nothing else.
    EXPECT_FALSE(graph.tracks[1].sections[0].running);
    EXPECT_FALSE(graph.tracks[1].sections[1].running);
    EXPECT_TRUE(graph.tracks[1].sections[2].running);
    EXPECT_FALSE(graph.tracks[1].sections[3].running);
}

TEST(StripSections, ASectionSwitchedOnFadesInOver20msAndSwitchedOffFadesOutAndStops)
{
    // The EQ's first peak +12 dB at the tone's frequency: on, the track is 4 times louder.
    OfflineSession s(toneTracks({"eq/on: 0, eq/mid1/freq: 1000, eq/mid1/gain: 12, eq/mid1/q: 1"}, 1000.0, -20.0));
    TrackTaps taps(s, {0});
    const engine::Graph& graph = *s.installedGraph();
    // Each switch lands on a crest of the tone (a quarter period past a whole number of
    // periods), where a switch without a fade would make the largest step.
    const auto before = taps.render(0.25 + 12.0 / rate)[0].left;
    ASSERT_FALSE(graph.tracks[0].sections[2].running);
    ASSERT_TRUE(s.control.set("/track/t0/eq/on", 1.0));
    const auto on = taps.render(0.25)[0].left;
    ASSERT_TRUE(s.control.set("/track/t0/eq/on", 0.0));
    const auto off = taps.render(0.25)[0].left;
    EXPECT_FALSE(graph.tracks[0].sections[2].running) << "faded out, the EQ still runs";

    const double dry = peakDb(before, 0, before.size());
    // 20 ms of fade (960 frames), then the EQ's own settling: its level 100 ms on.
    EXPECT_NEAR(peakDb(on, 4800, on.size()) - dry, 12.0, 0.05);
    EXPECT_NEAR(peakDb(off, 4800, off.size()), dry, 0.01);
    // The steepest sample-to-sample step during each fade stays that of the louder steady tone
    // (the fade adds less than 1 %).
    const double steadyStep = largestStep(on, 4800, on.size());
    EXPECT_LE(largestStep(on, 0, 4800), 1.01 * steadyStep);
    EXPECT_LE(largestStep(off, 0, 4800), 1.01 * steadyStep);
    // It takes the 20 ms both ways: half-way through, the level is in between.
    const double halfOn = peakDb(on, 400, 560) - dry;
    EXPECT_GT(halfOn, 3.0);
    EXPECT_LT(halfOn, 10.0);
    const double halfOff = peakDb(off, 400, 560) - dry;
    EXPECT_GT(halfOff, 3.0);
    EXPECT_LT(halfOff, 10.0);
}

TEST(StripSections, TheCompressorWarmsUpUnheardThenFadesInAlreadyCompressing)
{
    // A -10 dBFS tone (its level is its peak) into a 4:1 compressor at -20 dBFS: -17.5 dBFS once settled.
    OfflineSession s(toneTracks({"eq/on: 0, comp/threshold: -20, comp/ratio: 4, comp/attack: 10"}, 1000.0, -10.0));
    TrackTaps taps(s, {0});
    taps.render(0.1);
    ASSERT_TRUE(s.control.set("/track/t0/comp/on", 1.0));
    const auto x = taps.render(0.3)[0].left;
    constexpr double pan = -3.0103; // the centred fader's left
    // The first 50 ms are the dry tone: the compressor runs unheard.
    EXPECT_NEAR(peakDb(x, 0, 2400), -10.0 + pan, 0.01);
    // Then a 20 ms fade straight to the compressed level: no overshoot of the dry level, and
    // right after it (70 to 100 ms) the gain reduction is already there.
    EXPECT_LE(peakDb(x, 2400, 3360), -10.0 + pan + 0.01);
    EXPECT_NEAR(peakDb(x, 3360, 4800), -17.5 + pan, 0.1);
    EXPECT_NEAR(peakDb(x, 9600, x.size()), -17.5 + pan, 0.01);
}

TEST(StripSections, AWarmUpAndItsFadeLandOnTheSameFramesWhateverTheBlockSize)
{
    const std::string yaml = toneTracks({"eq/on: 0, comp/on: 0, comp/threshold: -30"}, 1000.0, -10.0);
    std::vector<float> played[2];
    const std::uint32_t blocks[2] = {64, 256};
    for (int k = 0; k < 2; ++k) {
        OfflineSession s(yaml, blocks[k]);
        TrackTaps taps(s, {0});
        taps.render(0.1);
        ASSERT_TRUE(s.control.set("/track/t0/comp/on", 1.0));
        played[k] = taps.render(0.2)[0].left;
    }
    ASSERT_EQ(played[0].size(), played[1].size());
    std::size_t first = played[0].size();
    for (std::size_t i = 0; i < played[0].size() && first == played[0].size(); ++i)
        if (std::memcmp(&played[0][i], &played[1][i], sizeof(float)) != 0)
            first = i;
    EXPECT_EQ(first, played[0].size()) << "the compressor came in differently in blocks of 64 and of 256 from frame "
                                       << first << " on (" << played[0][first] << " against " << played[1][first] << ")";
}

TEST(StripSections, TrimAndPolarityAreExactOnceTheyHaveGlided)
{
    OfflineSession s(toneTracks({"eq/on: 0", "eq/on: 0, trim: 6", "eq/on: 0, polarity: 1"}));
    TrackTaps taps(s, {0, 1, 2});
    const auto played = taps.render(0.2);
    const auto& plain = played[0].left;
    const float gain = dbToGain(6.0f);
    for (std::size_t i = 0; i < plain.size(); ++i) {
        // Trim comes before the fader: the same product in another order, to a rounding.
        ASSERT_NEAR(played[1].left[i], plain[i] * gain, 1e-6f * std::fabs(plain[i] * gain) + 1e-12f) << "trim, frame " << i;
        ASSERT_EQ(played[2].left[i], -plain[i]) << "polarity, frame " << i;
    }
    // A trim change glides: no step beyond the steady tone's.
    ASSERT_TRUE(s.control.set("/track/t0/trim", 12.0));
    const auto glide = taps.render(0.2)[0].left;
    EXPECT_LE(largestStep(glide, 0, 960), 1.01 * largestStep(glide, 4800, glide.size()));
    EXPECT_NEAR(peakDb(glide, 4800, glide.size()) - peakDb(plain, 0, plain.size()), 12.0, 0.01);
}

TEST(StripSections, TheStripKeysAreCheckedAndNamedWhenWrong)
{
    try {
        OfflineSession s(toneTracks({"eq/on: 0, hpf/frequency: 100"}));
        FAIL() << "an unknown strip key was taken";
    } catch (const std::exception& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("the channel strip has no parameter 'hpf/frequency'"), std::string::npos) << message;
        EXPECT_NE(message.find("hpf/freq"), std::string::npos) << message;
        EXPECT_NE(message.find("comp/on"), std::string::npos) << message;
    }
}

TEST(StripSections, AMutedTracksStripAndFaderStopOnceItsFadeIsOverAndTheSourcePlaysOn)
{
    // Two identical tracks; the second is muted for a while, with its compressor and EQ on.
    OfflineSession s(toneTracks({"comp/on: 1, eq/mid1/gain: 3", "comp/on: 1, eq/mid1/gain: 3"}));
    TrackTaps taps(s, {0, 1});
    const engine::Graph& graph = *s.installedGraph();
    taps.render(0.1);
    ASSERT_TRUE(s.control.set("/track/t1/mute", 1.0));
    const auto muted = taps.render(0.3);
    // Silent from the end of the mute's 10 ms fade on, exactly.
    for (std::size_t i = 480; i < muted[1].left.size(); ++i)
        ASSERT_EQ(muted[1].left[i], 0.0f) << "frame " << i;
    ASSERT_TRUE(s.control.set("/track/t1/mute", 0.0));
    const auto back = taps.render(0.3);
    // Back under a 10 ms fade-in, without a step beyond the steady tone's...
    EXPECT_LE(largestStep(back[1].left, 0, 960), 1.01 * largestStep(back[0].left, 0, back[0].left.size()));
    // ...in time with the track that played on (the tone kept its phase), at its level.
    const double level0 = peakDb(back[0].left, 4800, back[0].left.size());
    EXPECT_NEAR(peakDb(back[1].left, 4800, back[1].left.size()), level0, 0.05);
    double worst = 0.0;
    for (std::size_t i = 4800; i < back[0].left.size(); ++i)
        worst = std::max(worst, double(std::fabs(back[0].left[i] - back[1].left[i])));
    // (A tone one sample out of place would differ by -17.6 dB; what is left is the
    // compressor's detector, whose 10 ms stretches resumed where they stopped.)
    EXPECT_LT(20.0 * std::log10(worst + 1e-30) - level0, -25.0) << "the muted track's tone lost its place";
    EXPECT_TRUE(graph.tracks[1].sections[3].running);
}
