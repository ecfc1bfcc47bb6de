// SPDX-License-Identifier: GPL-3.0-or-later
// The channel strips (channel_mono, channel_stereo), judged by what comes out: trim, polarity,
// high-pass, EQ (against the RBJ cookbook's responses), compressor and gate.
#include "DspRender.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <numbers>
#include <string>

using namespace backline::test;

namespace {

double dbToLinear(double db) { return std::pow(10.0, db / 20.0); }

/// Settled gain in dB of the strip (first output) for a sine at `frequency`, amplitude 0.1.
double gainAt(backline::faust::DspInstance& dsp, double frequency, double seconds = 0.5)
{
    const auto in = sine(frames(seconds), frequency, testSampleRate, 0.1);
    const Channels inputs(std::size_t(dsp.numInputs()), in);
    const auto out = render(dsp, inputs, frames(seconds));
    return toneDb(settled(out[0]), frequency, testSampleRate) - toneDb(settled(in), frequency, testSampleRate);
}

/// The strip with the given settings, fresh.
std::unique_ptr<backline::faust::DspInstance> strip(
    const std::string& name, std::initializer_list<std::pair<const char*, float>> settings)
{
    auto dsp = builtin(name);
    for (auto [path, value] : settings)
        setParam(*dsp, path, value);
    return dsp;
}

/// Magnitude in dB at `frequency` of an RBJ Audio EQ Cookbook biquad, computed in double.
enum class Rbj { Peaking, LowShelf, HighShelf };
double rbjDb(Rbj type, double f0, double gainDb, double q, double frequency)
{
    const double a = std::pow(10.0, gainDb / 40.0);
    const double w0 = 2.0 * std::numbers::pi * f0 / testSampleRate;
    const double alpha = std::sin(w0) / (2.0 * q);
    const double c = std::cos(w0);
    const double s = 2.0 * std::sqrt(a) * alpha;
    double b0 = 1, b1 = 0, b2 = 0, a0 = 1, a1 = 0, a2 = 0;
    switch (type) {
    case Rbj::Peaking:
        b0 = 1 + alpha * a, b1 = -2 * c, b2 = 1 - alpha * a;
        a0 = 1 + alpha / a, a1 = -2 * c, a2 = 1 - alpha / a;
        break;
    case Rbj::LowShelf:
        b0 = a * ((a + 1) - (a - 1) * c + s), b1 = 2 * a * ((a - 1) - (a + 1) * c), b2 = a * ((a + 1) - (a - 1) * c - s);
        a0 = (a + 1) + (a - 1) * c + s, a1 = -2 * ((a - 1) + (a + 1) * c), a2 = (a + 1) + (a - 1) * c - s;
        break;
    case Rbj::HighShelf:
        b0 = a * ((a + 1) + (a - 1) * c + s), b1 = -2 * a * ((a - 1) + (a + 1) * c), b2 = a * ((a + 1) + (a - 1) * c - s);
        a0 = (a + 1) - (a - 1) * c + s, a1 = 2 * ((a - 1) - (a + 1) * c), a2 = (a + 1) - (a - 1) * c - s;
        break;
    }
    const std::complex<double> z1 = std::polar(1.0, -2.0 * std::numbers::pi * frequency / testSampleRate);
    const std::complex<double> h = (b0 + b1 * z1 + b2 * z1 * z1) / (a0 + a1 * z1 + a2 * z1 * z1);
    return 20.0 * std::log10(std::abs(h));
}

constexpr double probeFrequencies[] = { 30, 60, 100, 200, 400, 700, 1000, 1500, 2500, 4000, 6000, 8000, 11000, 15000, 19000 };

/// Gain of a sine's sample-by-sample ratio out/in, averaged over the samples where |in| is
/// near its peak, in a window of `length` samples starting at `from`.
double gainDbAround(const std::vector<float>& out, const std::vector<float>& in, std::size_t from, std::size_t length)
{
    double sum = 0.0;
    int count = 0;
    double peak = 0.0;
    for (std::size_t i = from; i < from + length; ++i)
        peak = std::max(peak, std::fabs(double(in[i])));
    for (std::size_t i = from; i < from + length; ++i) {
        if (std::fabs(double(in[i])) > 0.7 * peak) {
            sum += double(out[i]) / double(in[i]);
            ++count;
        }
    }
    return 20.0 * std::log10(sum / count);
}

} // namespace

TEST(ChannelStrip, AtDefaultsIsBitTransparent)
{
    for (const char* name : { "channel_mono", "channel_stereo" }) {
        auto dsp = builtin(name);
        const auto in = sine(frames(0.5), 997.0, testSampleRate, 0.9);
        const Channels inputs(std::size_t(dsp->numInputs()), in);
        const auto out = render(*dsp, inputs, frames(0.5));
        for (const auto& channel : out)
            EXPECT_EQ(channel, in) << name << ": trim 0 dB, EQ on but flat, everything else off";
    }
}

TEST(ChannelStrip, TrimPlus6dB)
{
    auto dsp = strip("channel_mono", { { "trim", 6.0f } });
    EXPECT_NEAR(gainAt(*dsp, 1000.0), 6.0, 0.01);
}

TEST(ChannelStrip, PolarityInvertsEveryChannel)
{
    auto dsp = strip("channel_stereo", { { "polarity", 1.0f } });
    const auto in = sine(frames(0.5), 440.0, testSampleRate, 0.5);
    const auto out = render(*dsp, { in, in }, frames(0.5));
    for (const auto& channel : out) {
        for (std::size_t i = frames(0.1); i < in.size(); ++i)
            ASSERT_EQ(channel[i], -in[i]) << "at sample " << i;
    }
}

TEST(ChannelStrip, HighPassAt80HzTakes20HzDownByAtLeast48dB)
{
    // 24 dB/octave, two octaves below the cutoff: at least 48 dB (Butterworth: 48.16 dB).
    auto dsp = strip("channel_mono", { { "hpf/on", 1.0f }, { "hpf/freq", 80.0f } });
    const double at20 = gainAt(*dsp, 20.0, 2.0);
    dsp = strip("channel_mono", { { "hpf/on", 1.0f }, { "hpf/freq", 80.0f } });
    const double at10 = gainAt(*dsp, 10.0, 4.0);
    dsp = strip("channel_mono", { { "hpf/on", 1.0f }, { "hpf/freq", 80.0f } });
    const double at80 = gainAt(*dsp, 80.0, 1.0);
    dsp = strip("channel_mono", { { "hpf/on", 1.0f }, { "hpf/freq", 80.0f } });
    const double at1k = gainAt(*dsp, 1000.0);
    std::printf("[ measured ] high-pass at 80 Hz: 10 Hz %.2f dB, 20 Hz %.2f dB, 80 Hz %.3f dB, 1 kHz %.4f dB\n", at10, at20,
        at80, at1k);
    EXPECT_LE(at20, -48.0);
    EXPECT_NEAR(at20, -48.16, 0.1);
    EXPECT_NEAR(at20 - at10, 24.0, 0.2); // the slope one octave further down
    EXPECT_NEAR(at80, -3.01, 0.05);
    EXPECT_NEAR(at1k, 0.0, 0.01);
}

TEST(ChannelStrip, HighPassOffIsBitTransparent)
{
    auto dsp = strip("channel_mono", { { "hpf/freq", 500.0f } });
    const auto in = sine(frames(0.2), 100.0, testSampleRate, 0.5);
    EXPECT_EQ(render(*dsp, { in }, frames(0.2))[0], in);
}

TEST(ChannelStrip, EqPeakPlus6dBAt1kHz)
{
    const std::initializer_list<std::pair<const char*, float>> peak
        = { { "eq/mid1/freq", 1000.0f }, { "eq/mid1/gain", 6.0f }, { "eq/mid1/q", 1.0f } };
    auto dsp = strip("channel_mono", peak);
    const double at1k = gainAt(*dsp, 1000.0);
    dsp = strip("channel_mono", peak);
    const double at100 = gainAt(*dsp, 100.0);
    dsp = strip("channel_mono", peak);
    const double at10k = gainAt(*dsp, 10000.0);
    std::printf("[ measured ] EQ +6 dB peak at 1 kHz, Q 1: 100 Hz %+.3f dB, 1 kHz %+.3f dB, 10 kHz %+.3f dB\n", at100, at1k,
        at10k);
    EXPECT_NEAR(at1k, 6.0, 0.2);
    EXPECT_NEAR(at100, 0.0, 0.5);
    EXPECT_NEAR(at10k, 0.0, 0.5);
}

TEST(ChannelStrip, EqBandsMatchTheRbjCookbook)
{
    struct Band {
        const char* name;
        Rbj type;
        float freq, gain, q;
    };
    const Band bands[] = { { "low", Rbj::LowShelf, 150.0f, 9.0f, 0.707f }, { "low", Rbj::LowShelf, 400.0f, -12.0f, 1.5f },
        { "mid1", Rbj::Peaking, 300.0f, -9.0f, 3.0f }, { "mid2", Rbj::Peaking, 4000.0f, 12.0f, 0.5f },
        { "high", Rbj::HighShelf, 6000.0f, 6.0f, 0.707f }, { "high", Rbj::HighShelf, 12000.0f, -15.0f, 0.4f } };
    double worst = 0.0;
    for (const Band& b : bands) {
        const std::string prefix = std::string("eq/") + b.name + "/";
        for (double f : probeFrequencies) {
            auto dsp = strip("channel_mono", {});
            setParam(*dsp, prefix + "freq", b.freq);
            setParam(*dsp, prefix + "gain", b.gain);
            setParam(*dsp, prefix + "q", b.q);
            const double measured = gainAt(*dsp, f, f < 100 ? 1.0 : 0.25);
            const double expected = rbjDb(b.type, b.freq, b.gain, b.q, f);
            worst = std::max(worst, std::fabs(measured - expected));
            EXPECT_NEAR(measured, expected, 0.02) << b.name << " at " << b.freq << " Hz, " << b.gain << " dB, Q " << b.q
                                                  << ", measured at " << f << " Hz";
        }
    }
    std::printf("[ measured ] EQ bands against the RBJ cookbook: worst difference %.4f dB\n", worst);
}

TEST(ChannelStrip, EqOffIsBitTransparent)
{
    auto dsp = strip("channel_mono", { { "eq/on", 0.0f }, { "eq/mid1/gain", 12.0f }, { "eq/low/gain", -12.0f } });
    const auto in = sine(frames(0.2), 500.0, testSampleRate, 0.5);
    EXPECT_EQ(render(*dsp, { in }, frames(0.2))[0], in);
}

TEST(ChannelStrip, Compressor4To1SettlesMinus10dBFSAtMinus17Point5)
{
    for (double frequency : { 1000.0, 100.0, 50.0 }) {
        auto dsp = strip("channel_mono", { { "comp/on", 1.0f }, { "comp/ratio", 4.0f }, { "comp/threshold", -20.0f } });
        const auto in = sine(frames(1.0), frequency, testSampleRate, dbToLinear(-10.0));
        const auto out = render(*dsp, { in }, frames(1.0));
        const double measured = peakDb(settled(out[0]));
        std::printf("[ measured ] compressor 4:1 at -20 dBFS, -10 dBFS sine at %.0f Hz: %.3f dBFS peak\n", frequency,
            measured);
        EXPECT_NEAR(measured, -17.5, 0.5) << frequency << " Hz";
        EXPECT_NEAR(measured, -17.5, 0.02) << frequency << " Hz: the peak detector reads a steady sine exactly";
    }
}

TEST(ChannelStrip, CompressorKneeAndMakeup)
{
    // 12 dB knee, level at the threshold: 1/4 - 1 of (6 dB)^2 / 24 dB = -1.125 dB; +5 dB makeup.
    auto dsp = strip("channel_mono",
        { { "comp/on", 1.0f }, { "comp/threshold", -20.0f }, { "comp/knee", 12.0f }, { "comp/makeup", 5.0f } });
    const auto in = sine(frames(1.0), 1000.0, testSampleRate, dbToLinear(-20.0));
    const auto out = render(*dsp, { in }, frames(1.0));
    EXPECT_NEAR(peakDb(settled(out[0])), -20.0 - 1.125 + 5.0, 0.02);
}

TEST(ChannelStrip, CompressorBelowThresholdIsBitTransparent)
{
    auto dsp = strip("channel_mono", { { "comp/on", 1.0f }, { "comp/threshold", -20.0f } });
    const auto in = sine(frames(0.5), 1000.0, testSampleRate, dbToLinear(-21.0));
    EXPECT_EQ(render(*dsp, { in }, frames(0.5))[0], in);
}

TEST(ChannelStrip, CompressorAttackAndReleaseAreTimeConstants)
{
    // -40 dBFS, then -10 dBFS for 0.5 s, then -40 again: 7.5 dB of reduction comes and goes.
    auto dsp = strip("channel_mono", { { "comp/on", 1.0f }, { "comp/attack", 10.0f }, { "comp/release", 100.0f } });
    auto in = sine(frames(1.5), 1000.0, testSampleRate, dbToLinear(-40.0));
    const std::size_t up = frames(0.5), down = frames(1.0);
    for (std::size_t i = up; i < down; ++i)
        in[i] *= float(dbToLinear(30.0));
    const auto out = render(*dsp, { in }, frames(1.5));
    // One attack time constant in: 63 % of the 7.5 dB.
    EXPECT_NEAR(gainDbAround(out[0], in, up + frames(0.010) - 24, 48), -7.5 * (1.0 - std::exp(-1.0)), 0.3);
    // The detector holds the peak 10 to 20 ms, then 100 ms of release: 33 % to 37 % left.
    const double released = gainDbAround(out[0], in, down + frames(0.020 + 0.100) - 24, 48);
    EXPECT_GE(released, -7.5 * std::exp(-1.0) - 0.15);
    EXPECT_LE(released, -7.5 * std::exp(-1.1) + 0.15);
}

TEST(ChannelStrip, StereoCompressorIsLinked)
{
    auto dsp = strip("channel_stereo", { { "comp/on", 1.0f } });
    const auto loud = sine(frames(1.0), 1000.0, testSampleRate, dbToLinear(-10.0));
    const auto quiet = sine(frames(1.0), 1000.0, testSampleRate, dbToLinear(-40.0));
    const auto out = render(*dsp, { loud, quiet }, frames(1.0));
    EXPECT_NEAR(peakDb(settled(out[0])), -17.5, 0.02);
    EXPECT_NEAR(peakDb(settled(out[1])), -47.5, 0.02); // the loud side's reduction, not its own
}

TEST(ChannelStrip, GateAttenuatesByItsRangeBelowTheThreshold)
{
    auto dsp = strip("channel_mono", { { "gate/on", 1.0f }, { "gate/threshold", -50.0f }, { "gate/range", 60.0f } });
    const auto in = sine(frames(1.5), 1000.0, testSampleRate, dbToLinear(-60.0));
    const auto out = render(*dsp, { in }, frames(1.5));
    const double measured = peakDb(settled(out[0]));
    std::printf("[ measured ] gate, threshold -50 dBFS, range 60 dB: -60 dBFS sine comes out at %.3f dBFS\n", measured);
    EXPECT_NEAR(measured, -120.0, 0.05);
}

TEST(ChannelStrip, GateAboveTheThresholdPassesAtExactlyUnity)
{
    auto dsp = strip("channel_mono", { { "gate/on", 1.0f }, { "gate/threshold", -50.0f } });
    const auto in = sine(frames(0.5), 1000.0, testSampleRate, dbToLinear(-40.0));
    EXPECT_EQ(render(*dsp, { in }, frames(0.5))[0], in);
}

TEST(ChannelStrip, GateHoldsThenClosesInItsReleaseTime)
{
    auto dsp = strip("channel_mono", { { "gate/on", 1.0f }, { "gate/hold", 50.0f }, { "gate/release", 150.0f } });
    auto in = sine(frames(1.0), 1000.0, testSampleRate, dbToLinear(-30.0));
    const std::size_t drop = frames(0.5);
    for (std::size_t i = drop; i < in.size(); ++i)
        in[i] *= float(dbToLinear(-40.0)); // now -70 dBFS, below the -50 dBFS threshold
    const auto out = render(*dsp, { in }, frames(1.0));
    // Open (exactly) for the detector's 10 to 20 ms plus the 50 ms hold.
    for (std::size_t i = drop; i < drop + frames(0.060); ++i)
        ASSERT_EQ(out[0][i], in[i]) << "still open " << double(i - drop) / testSampleRate * 1000.0 << " ms after the drop";
    // Then 60 dB in 150 ms, a steady 0.4 dB per ms from 60 to 70 ms after the drop: 145 ms after
    // it, 30 to 34 dB down; from 220 ms on, shut.
    const double closing = gainDbAround(out[0], in, drop + frames(0.145) - 24, 48);
    EXPECT_LE(closing, -30.0 + 0.5);
    EXPECT_GE(closing, -34.0 - 0.5);
    EXPECT_NEAR(gainDbAround(out[0], in, drop + frames(0.221), frames(0.1)), -60.0, 0.01);
}

TEST(ChannelStrip, GateOpensInItsAttackTime)
{
    auto dsp = strip("channel_mono", { { "gate/on", 1.0f }, { "gate/attack", 10.0f } });
    auto in = sine(frames(1.5), 1000.0, testSampleRate, dbToLinear(-70.0));
    const std::size_t rise = frames(1.0); // by then the gate has long closed
    for (std::size_t i = rise; i < in.size(); ++i)
        in[i] *= float(dbToLinear(40.0));
    const auto out = render(*dsp, { in }, frames(1.5));
    // A straight fade from 0.001 to 1 over 10 ms: half open after 5 ms, exactly open after 10.
    EXPECT_NEAR(gainDbAround(out[0], in, rise + frames(0.005) - 12, 24), 20.0 * std::log10(0.5), 0.3);
    for (std::size_t i = rise + frames(0.0105); i < in.size(); ++i)
        ASSERT_EQ(out[0][i], in[i]);
}

TEST(ChannelStrip, StereoGateIsLinked)
{
    auto dsp = strip("channel_stereo", { { "gate/on", 1.0f }, { "gate/threshold", -50.0f } });
    const auto loud = sine(frames(0.5), 1000.0, testSampleRate, dbToLinear(-20.0));
    const auto quiet = sine(frames(0.5), 1000.0, testSampleRate, dbToLinear(-70.0));
    const auto out = render(*dsp, { loud, quiet }, frames(0.5));
    EXPECT_EQ(out[1], quiet); // the loud side holds the gate open for both
}
