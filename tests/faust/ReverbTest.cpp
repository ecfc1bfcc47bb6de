// SPDX-License-Identifier: GPL-3.0-or-later
// The reverb return: finite, bounded, silent before its predelay, decaying at the rate its
// `decay` control says, and silent again after the input stops.
#include "DspRender.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>

using namespace backline::test;

namespace {

/// A stereo impulse at sample `at`, then silence.
Channels impulse(std::size_t frames, std::size_t at = 0)
{
    Channels in(2, std::vector<float>(frames, 0.0f));
    in[0][at] = in[1][at] = 1.0f;
    return in;
}

/// White noise for `burst` samples, then silence.
Channels noiseThenSilence(std::size_t frames, std::size_t burst)
{
    Channels in(2, std::vector<float>(frames, 0.0f));
    std::uint32_t seed = 99;
    for (std::size_t i = 0; i < burst; ++i) {
        for (auto& channel : in) {
            seed = seed * 1664525u + 1013904223u;
            channel[i] = 0.5f * (float(seed >> 8) / float(1u << 24) * 2.0f - 1.0f);
        }
    }
    return in;
}

bool allFinite(const Channels& out)
{
    for (const auto& channel : out) {
        for (float s : channel) {
            if (!std::isfinite(s))
                return false;
        }
    }
    return true;
}

/// The octave band around 1 kHz of v: an RBJ band-pass biquad (Q 1.41), in double.
std::vector<double> octaveAt1kHz(const std::vector<float>& v)
{
    const double w0 = 2.0 * std::numbers::pi * 1000.0 / testSampleRate;
    const double alpha = std::sin(w0) / (2.0 * 1.41);
    const double a0 = 1 + alpha, b0 = alpha / a0, b2 = -alpha / a0, a1 = -2 * std::cos(w0) / a0, a2 = (1 - alpha) / a0;
    std::vector<double> out(v.size());
    double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double y = b0 * v[i] + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1, x1 = v[i], y2 = y1, y1 = y;
        out[i] = y;
    }
    return out;
}

/// Mid-band reverberation time of an impulse response: the octave around 1 kHz, Schroeder's
/// backward-integrated energy decay, a straight line fitted between -5 and -35 dB (T30),
/// extrapolated to 60 dB.
double t60(const Channels& out)
{
    const auto left = octaveAt1kHz(out[0]);
    const auto right = octaveAt1kHz(out[1]);
    const std::size_t n = left.size();
    std::vector<double> edc(n);
    double sum = 0.0;
    for (std::size_t i = n; i-- > 0;) {
        sum += left[i] * left[i] + right[i] * right[i];
        edc[i] = sum;
    }
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int count = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double db = 10.0 * std::log10(edc[i] / edc[0]);
        if (db <= -5.0 && db >= -35.0) {
            const double t = double(i) / testSampleRate;
            sx += t, sy += db, sxx += t * t, sxy += t * db;
            ++count;
        }
    }
    const double slope = (count * sxy - sx * sy) / (count * sxx - sx * sx); // dB per second
    return -60.0 / slope;
}

} // namespace

TEST(Reverb, ImpulseResponseIsFiniteAndBounded)
{
    auto reverb = builtin("reverb");
    const auto out = render(*reverb, impulse(frames(4.0)), frames(4.0));
    EXPECT_TRUE(allFinite(out));
    EXPECT_LT(peakDb(out[0]), 0.0);
    EXPECT_GT(rmsDb(std::span<const float>(out[0]).first(frames(0.5))), -60.0); // it does reverberate
}

TEST(Reverb, DecayTimeIsTheDecayControl)
{
    for (float decay : { 1.0f, 3.0f }) {
        auto reverb = builtin("reverb");
        setParam(*reverb, "decay", decay);
        const auto out = render(*reverb, impulse(frames(2.5 * decay)), frames(2.5 * decay));
        const double measured = t60(out);
        std::printf("[ measured ] reverb decay %.1f s: T60 (from T30, octave at 1 kHz) %.3f s\n", double(decay), measured);
        EXPECT_NEAR(measured, decay, 0.1 * decay);
    }
}

TEST(Reverb, DampingShortensTheHighs)
{
    auto bright = builtin("reverb");
    setParam(*bright, "damping", 20000.0f);
    auto dark = builtin("reverb");
    setParam(*dark, "damping", 1000.0f);
    const auto in = impulse(frames(2.0));
    const auto b = render(*bright, in, frames(2.0));
    const auto d = render(*dark, in, frames(2.0));
    // One second in, the dark tail holds far less 8 kHz than the bright one.
    const std::span<const float> bTail(b[0].data() + frames(1.0), frames(0.5));
    const std::span<const float> dTail(d[0].data() + frames(1.0), frames(0.5));
    EXPECT_LT(toneDb(dTail, 8000.0, testSampleRate), toneDb(bTail, 8000.0, testSampleRate) - 20.0);
}

TEST(Reverb, PredelayMovesTheOnsetByExactlyItsTime)
{
    // The first sound is the shortest path through the tank (13.5 ms), plus the predelay.
    auto onset = [](float predelay) {
        auto reverb = builtin("reverb");
        setParam(*reverb, "predelay", predelay);
        const auto out = render(*reverb, impulse(frames(0.3)), frames(0.3));
        std::size_t first = 0;
        while (first < out[0].size() && out[0][first] == 0.0f && out[1][first] == 0.0f)
            ++first;
        return first;
    };
    const std::size_t direct = onset(0.0f);
    EXPECT_NEAR(double(direct) / testSampleRate, 0.0135, 0.001);
    EXPECT_EQ(onset(50.0f), direct + frames(0.050));
    EXPECT_EQ(onset(200.0f), direct + frames(0.200));
}

TEST(Reverb, DecaysToSilenceAfterTheInputStops)
{
    auto reverb = builtin("reverb");
    const auto out = render(*reverb, noiseThenSilence(frames(8.0), frames(0.5)), frames(8.0));
    EXPECT_TRUE(allFinite(out));
    // 2 s decay: 60 dB every 2 s once the input stops.
    const double last = peakDb(std::span<const float>(out[0]).last(frames(1.0)));
    std::printf("[ measured ] reverb (decay 2 s) 6.5 s after a noise burst: %.1f dBFS peak\n", last);
    EXPECT_LT(last, -100.0);
}

TEST(Reverb, LongestDecayStaysBounded)
{
    auto reverb = builtin("reverb");
    setParam(*reverb, "decay", 20.0f);
    const auto out = render(*reverb, noiseThenSilence(frames(6.0), frames(3.0)), frames(6.0));
    EXPECT_TRUE(allFinite(out));
    EXPECT_LT(peakDb(out[0]), 12.0);
}

TEST(Reverb, WidthZeroIsMono)
{
    auto reverb = builtin("reverb");
    setParam(*reverb, "width", 0.0f);
    const auto out = render(*reverb, noiseThenSilence(frames(1.0), frames(0.2)), frames(1.0));
    EXPECT_EQ(out[0], out[1]);
}

TEST(Reverb, LevelScalesTheReturn)
{
    auto full = builtin("reverb");
    auto lower = builtin("reverb");
    setParam(*lower, "level", -6.0f);
    const auto in = noiseThenSilence(frames(1.0), frames(0.2));
    const auto a = render(*full, in, frames(1.0));
    const auto b = render(*lower, in, frames(1.0));
    EXPECT_NEAR(rmsDb(b[0]) - rmsDb(a[0]), -6.0, 0.01);
    auto off = builtin("reverb");
    setParam(*off, "level", -120.0f);
    EXPECT_LT(peakDb(render(*off, in, frames(1.0))[0]), -300.0);
}
