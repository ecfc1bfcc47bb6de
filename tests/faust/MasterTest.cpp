// SPDX-License-Identifier: GPL-3.0-or-later
// The master chain: gain -> EQ -> bus compressor -> true-peak limiter. The limiter is judged by
// an independent 4x-oversampled true-peak meter (TruePeak.h), the rest by levels.
#include "DspRender.h"
#include "Signal.h"
#include "TruePeak.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <utility>

using namespace backline::test;

namespace {

/// The limiter's latency at testSampleRate: 2 x 32 interpolator half-taps + int(1.5 ms x 48 kHz) - 1.
constexpr std::size_t latency = 135;

/// A ceiling of -1 dBTP as a linear level.
const double defaultCeilingDb = -1.0;

/// Sum of sines at the given frequencies with equal amplitudes, scaled so the sample peak over
/// the burst is peakDb dBFS; silent outside [start, start + length).
std::vector<float> mixedSineBurst(std::size_t frames, std::size_t start, std::size_t length, double peakDb,
    std::initializer_list<double> frequencies, double sampleRate = testSampleRate)
{
    std::vector<double> sum(frames, 0.0);
    double peak = 0.0;
    for (std::size_t i = start; i < std::min(frames, start + length); ++i) {
        for (double f : frequencies)
            sum[i] += std::sin(2.0 * std::numbers::pi * f * double(i) / sampleRate);
        peak = std::max(peak, std::fabs(sum[i]));
    }
    const double scale = std::pow(10.0, peakDb / 20.0) / peak;
    std::vector<float> out(frames);
    for (std::size_t i = 0; i < frames; ++i)
        out[i] = float(sum[i] * scale);
    return out;
}

/// Bursts of noise band-limited to 20 kHz (program material: a 48 kHz recording holds little
/// above), 50 ms long every 150 ms with sudden onsets, peaking near `amplitude`.
std::vector<float> noiseBursts(std::size_t n, double amplitude)
{
    std::vector<double> white(n);
    std::uint32_t seed = 12345;
    for (double& w : white) {
        seed = seed * 1664525u + 1013904223u;
        w = double(seed >> 8) / double(1u << 24) * 2.0 - 1.0;
    }
    // Blackman-windowed sinc low-pass at 20 kHz, 255 taps.
    constexpr int half = 127;
    const double fc = 20000.0 / testSampleRate;
    std::vector<double> taps;
    for (int k = -half; k <= half; ++k) {
        const double sinc = k == 0 ? 2.0 * fc : std::sin(2.0 * std::numbers::pi * fc * k) / (std::numbers::pi * k);
        const double phase = std::numbers::pi * double(k + half) / half;
        taps.push_back(sinc * (0.42 - 0.5 * std::cos(phase) + 0.08 * std::cos(2.0 * phase)));
    }
    std::vector<float> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        if ((i / 2400) % 3 != 1)
            continue;
        double v = 0.0;
        for (int k = -half; k <= half; ++k) {
            const auto j = std::ptrdiff_t(i) - k;
            if (j >= 0 && j < std::ptrdiff_t(n))
                v += taps[std::size_t(k + half)] * white[std::size_t(j)];
        }
        out[i] = float(amplitude * 1.2 * v);
    }
    return out;
}

/// Interpolators of other lengths than TruePeak.h's standard one: (half taps, Kaiser beta).
constexpr std::pair<int, double> otherMeters[] = { { 12, 5.0 }, { 16, 7.0 }, { 64, 10.0 }, { 128, 12.0 } };

/// The largest |out[i] - in[i - latency]| from index `from` on.
double largestDifference(const std::vector<float>& out, const std::vector<float>& in, std::size_t from)
{
    double worst = 0.0;
    for (std::size_t i = std::max(from, latency); i < out.size(); ++i)
        worst = std::max(worst, std::fabs(double(out[i]) - double(in[i - latency])));
    return worst;
}

} // namespace

TEST(Master, AtDefaultsBelowTheCeilingIsBitTransparent)
{
    auto master = builtin("master");
    const auto left = sine(frames(1.0), 997.0, testSampleRate, 0.5);
    const auto right = sine(frames(1.0), 1499.0, testSampleRate, 0.85); // true peak -1.4 dBTP
    const auto out = render(*master, { left, right }, frames(1.0));
    // Only delayed, never scaled: every sample equals the input's, bit for bit.
    EXPECT_EQ(largestDifference(out[0], left, 0), 0.0);
    EXPECT_EQ(largestDifference(out[1], right, 0), 0.0);
    for (std::size_t i = 0; i < latency; ++i)
        ASSERT_EQ(out[0][i], 0.0f) << "the first " << latency << " samples are the lookahead's silence";
}

TEST(Master, MixedSineBurstAtPlus6dBFSNeverExceedsMinus1dBTP)
{
    auto master = builtin("master");
    // +6 dBFS sample peak, sudden onset and end.
    const auto burst = mixedSineBurst(frames(1.5), frames(0.25), frames(0.75), 6.0, { 997.0, 3000.0, 11000.0, 17000.0 });
    const auto out = render(*master, { burst, burst }, frames(1.5));
    const double outL = truePeakDb(out[0]);
    const double outR = truePeakDb(out[1]);
    std::printf("[ measured ] mixed-sine burst (997 Hz + 3 kHz + 11 kHz + 17 kHz) at +6 dBFS sample peak, %.2f dBTP: "
                "output %.4f / %.4f dBTP (sample peak %.4f dBFS); ceiling -1 dBTP\n",
        truePeakDb(burst), outL, outR, peakDb(out[0]));
    EXPECT_LE(outL, defaultCeilingDb);
    EXPECT_LE(outR, defaultCeilingDb);
    EXPECT_GT(outL, defaultCeilingDb - 0.1); // limited, not muted
    for (auto [halfTaps, beta] : otherMeters) {
        const double other = truePeakDbWith(out[0], halfTaps, beta);
        std::printf("[ measured ]   with a %d-tap-per-phase interpolator: %.4f dBTP\n", 2 * halfTaps, other);
        EXPECT_LE(other, defaultCeilingDb) << 2 * halfTaps << " taps per phase";
    }
}

TEST(Master, LatencyAndCeilingHoldAtOtherRates)
{
    auto factory = backline::faust::builtinFactory("master");
    ASSERT_TRUE(factory);
    for (int rate : { 44100, 96000, 192000 }) {
        auto master = factory.value()->instantiate(rate);
        ASSERT_TRUE(master);
        const std::size_t n = std::size_t(rate); // one second
        // 2 x 32 interpolator half-taps + int(1.5 ms x rate) - 1.
        const std::size_t expectedLatency = 64 + std::size_t(0.0015f * float(rate)) - 1;
        std::vector<float> click(n, 0.0f);
        click[10] = 0.5f;
        const auto delayed = render(**master, { click, click }, n);
        EXPECT_EQ(delayed[0][10 + expectedLatency], 0.5f) << rate << " Hz";
        auto fresh = factory.value()->instantiate(rate);
        const auto burst = mixedSineBurst(n, n / 4, n / 2, 6.0, { 997.0, 3000.0, 11000.0, 17000.0 }, rate);
        const auto out = render(**fresh, { burst, burst }, n);
        EXPECT_LE(truePeakDb(out[0]), defaultCeilingDb) << rate << " Hz";
        EXPECT_GT(truePeakDb(out[0]), defaultCeilingDb - 0.1) << rate << " Hz";
    }
}

TEST(Master, CatchesAnIntersampleOverWhoseSamplesAreBelowTheCeiling)
{
    auto master = builtin("master");
    // fs/4 at 45 degrees: every sample is at 0.707 of the waveform's peak. Samples at -1.5 dBFS,
    // reconstruction at +1.5 dBTP: a sample-peak limiter would let it through untouched.
    const double amplitude = std::pow(10.0, 1.51 / 20.0);
    std::vector<float> in(frames(1.0));
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = float(amplitude * std::sin(std::numbers::pi / 2.0 * double(i) + std::numbers::pi / 4.0));
    const auto out = render(*master, { in, in }, frames(1.0));
    EXPECT_LT(peakDb(in), -1.0);
    // The render stops while the tone still plays: leave out the last samples, whose interpolation
    // would ring against the silence the meter assumes after them.
    const double measured = truePeakDb(out[0], 0, out[0].size() - 64);
    std::printf("[ measured ] fs/4 intersample over, samples at %.2f dBFS, %.2f dBTP: output %.4f dBTP\n", peakDb(in),
        truePeakDb(in, 0, in.size() - 64), measured);
    EXPECT_LE(measured, defaultCeilingDb);
    EXPECT_GT(measured, defaultCeilingDb - 0.1);
}

TEST(Master, CatchesSuddenNoiseBurstsWithALowerCeiling)
{
    auto master = builtin("master");
    setParam(*master, "limiter/ceiling", -6.0f);
    const auto left = noiseBursts(frames(1.5), 2.0);
    const auto right = sine(frames(1.5), 440.0, testSampleRate, 0.3);
    const auto out = render(*master, { left, right }, frames(1.5));
    std::printf("[ measured ] noise bursts (to 20 kHz) at %.2f dBTP, ceiling -6 dBTP: output %.4f / %.4f dBTP\n",
        truePeakDb(left), truePeakDb(out[0]), truePeakDb(out[1]));
    EXPECT_LE(truePeakDb(out[0]), -6.0);
    EXPECT_LE(truePeakDb(out[1]), -6.0);
    for (auto [halfTaps, beta] : otherMeters)
        EXPECT_LE(truePeakDbWith(out[0], halfTaps, beta), -6.0) << 2 * halfTaps << " taps per phase";
}

TEST(Master, IsBitTransparentAgainAfterAPeak)
{
    auto master = builtin("master");
    auto in = sine(frames(2.0), 440.0, testSampleRate, 0.5);
    for (std::size_t i = frames(0.1); i < frames(0.11); ++i)
        in[i] *= 4.0f; // a 10 ms shout at +6 dBFS
    const auto out = render(*master, { in, in }, frames(2.0));
    EXPECT_LE(truePeakDb(out[0]), defaultCeilingDb);
    // 7 dB of gain reduction falls back with a 100 ms time constant and snaps to 0 below 1e-4 dB:
    // 1.1 s later the gain is exactly 1 again.
    EXPECT_EQ(largestDifference(out[0], in, frames(1.3)), 0.0);
}

TEST(Master, ReleaseIsTheTimeConstantOfTheGainComingBack)
{
    auto master = builtin("master");
    setParam(*master, "limiter/release", 200.0f);
    const double ceiling = std::pow(10.0, -1.0 / 20.0);
    auto in = sine(frames(2.0), 1000.0, testSampleRate, 0.25 * ceiling); // 12 dB below the ceiling
    const std::size_t loudEnd = frames(0.5);
    for (std::size_t i = frames(0.3); i < loudEnd; ++i)
        in[i] *= 8.0f; // 200 ms at 6 dB over the ceiling
    const auto out = render(*master, { in, in }, frames(2.0));
    // Gain reduction (dB) at a time t after the loud part ends: about 6 e^(-t/0.2).
    auto reductionAt = [&](double t) {
        const std::size_t at = loudEnd + latency + frames(t);
        const std::span<const float> o(out[0].data() + at, 96);
        const std::span<const float> i(in.data() + at - latency, 96);
        return rmsDb(i) - rmsDb(o);
    };
    EXPECT_NEAR(reductionAt(0.2), 6.0 * std::exp(-1.0), 0.4);
    EXPECT_NEAR(reductionAt(0.4), 6.0 * std::exp(-2.0), 0.3);
}

TEST(Master, LimitingIsStereoLinked)
{
    auto master = builtin("master");
    const auto loud = sine(frames(1.0), 1000.0, testSampleRate, 2.0);
    const auto quiet = sine(frames(1.0), 1000.0, testSampleRate, 0.2);
    const auto out = render(*master, { loud, quiet }, frames(1.0));
    // Both sides get the gain reduction the loud side needs, so the image holds.
    const double reductionL = rmsDb(settled(out[0])) - rmsDb(settled(loud));
    const double reductionR = rmsDb(settled(out[1])) - rmsDb(settled(quiet));
    EXPECT_NEAR(reductionL, reductionR, 0.01);
    EXPECT_NEAR(reductionL, -7.02, 0.05);
}

TEST(Master, LimiterOffKeepsTheLatencyAndLetsPeaksThrough)
{
    auto master = builtin("master");
    setParam(*master, "limiter/on", 0.0f);
    const auto loud = sine(frames(1.0), 1000.0, testSampleRate, 2.0);
    const auto out = render(*master, { loud, loud }, frames(1.0));
    EXPECT_EQ(largestDifference(out[0], loud, 0), 0.0);
    EXPECT_EQ(largestDifference(out[1], loud, 0), 0.0);
}

TEST(Master, GainMinus6dBAttenuates6dB)
{
    auto master = builtin("master");
    setParam(*master, "gain", -6.0f);
    const auto in = sine(frames(1.0), 1000.0, testSampleRate, 0.5);
    const auto out = render(*master, { in, in }, frames(1.0));
    EXPECT_NEAR(rmsDb(settled(out[0])) - rmsDb(settled(in)), -6.0, 0.01);
}

TEST(Master, GainFloorIsSilence)
{
    auto master = builtin("master");
    setParam(*master, "gain", -120.0f);
    const auto in = sine(frames(0.5), 1000.0, testSampleRate, 1.0);
    const auto out = render(*master, { in, in }, frames(0.5));
    EXPECT_LT(peakDb(out[0]), -120.0);
    EXPECT_LT(peakDb(out[1]), -120.0);
}

TEST(Master, EqPeakBoostsItsBand)
{
    auto master = builtin("master");
    setParam(*master, "eq/on", 1.0f);
    setParam(*master, "eq/mid1/freq", 1000.0f);
    setParam(*master, "eq/mid1/gain", 6.0f);
    for (double f : { 100.0, 1000.0, 10000.0 }) {
        const auto in = sine(frames(0.5), f, testSampleRate, 0.1);
        const auto out = render(*master, { in, in }, frames(0.5));
        const double gain = toneDb(settled(out[0]), f, testSampleRate) - toneDb(settled(in), f, testSampleRate);
        EXPECT_NEAR(gain, f == 1000.0 ? 6.0 : 0.0, f == 1000.0 ? 0.2 : 0.5) << f << " Hz";
    }
}

TEST(Master, BusCompressorIsStereoLinked)
{
    auto master = builtin("master");
    setParam(*master, "comp/on", 1.0f);
    // Default ratio 2:1, threshold -20 dBFS: a -10 dBFS peak comes out at -15 dBFS.
    const auto loud = sine(frames(1.0), 1000.0, testSampleRate, std::pow(10.0, -10.0 / 20.0));
    const auto quiet = sine(frames(1.0), 1000.0, testSampleRate, 0.01);
    const auto out = render(*master, { loud, quiet }, frames(1.0));
    EXPECT_NEAR(peakDb(settled(out[0])), -15.0, 0.1);
    EXPECT_NEAR(peakDb(settled(out[1])) - peakDb(settled(quiet)), -5.0, 0.1);
}
