// SPDX-License-Identifier: GPL-3.0-or-later
// The delay return: echoes where its `time` says, repeats at its `feedback`, bounces in
// ping-pong, and falls silent after the input stops.
#include "DspRender.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>

using namespace backline::test;

namespace {

/// Impulses of `left` and `right` at sample `at`, then silence.
Channels impulse(std::size_t frames, std::size_t at, float left = 1.0f, float right = 1.0f)
{
    Channels in(2, std::vector<float>(frames, 0.0f));
    in[0][at] = left;
    in[1][at] = right;
    return in;
}

/// Where the largest absolute sample of v is.
std::size_t loudest(const std::vector<float>& v)
{
    std::size_t at = 0;
    for (std::size_t i = 1; i < v.size(); ++i) {
        if (std::fabs(v[i]) > std::fabs(v[at]))
            at = i;
    }
    return at;
}

/// Sum of v over [from, from + length): an echo's DC gain, which the damping low-pass keeps at 1.
double sumOver(const std::vector<float>& v, std::size_t from, std::size_t length)
{
    double s = 0.0;
    for (std::size_t i = from; i < std::min(v.size(), from + length); ++i)
        s += v[i];
    return s;
}

} // namespace

TEST(Delay, FirstEchoIsTheInputExactlyTimeLater)
{
    for (float ms : { 1.0f, 10.0f, 375.0f, 1234.5f, 2000.0f }) {
        auto delay = builtin("delay");
        setParam(*delay, "time", ms);
        const std::size_t at = 100;
        const std::size_t expected = at + std::size_t(std::lround(ms / 1000.0 * testSampleRate));
        const auto out = render(*delay, impulse(expected + 10, at), expected + 10);
        std::printf("[ measured ] delay time %.1f ms: first echo %zu samples after the impulse (%.3f ms), value %.6f\n",
            double(ms), loudest(out[0]) - at, double(loudest(out[0]) - at) * 1000.0 / testSampleRate,
            double(out[0][expected]));
        for (const auto& channel : out) {
            EXPECT_EQ(loudest(channel), expected) << ms << " ms";
            EXPECT_EQ(channel[expected], 1.0f) << ms << " ms: the first echo is the input itself";
            for (std::size_t i = 0; i < expected; ++i)
                ASSERT_EQ(channel[i], 0.0f) << ms << " ms, at sample " << i;
        }
    }
}

TEST(Delay, RepeatsFallByTheFeedback)
{
    auto delay = builtin("delay");
    setParam(*delay, "time", 100.0f);
    setParam(*delay, "feedback", 50.0f);
    const std::size_t period = frames(0.1);
    const auto out = render(*delay, impulse(4 * period + 10, 0), 4 * period + 10);
    // Each repeat is darker (low-passed once more) but carries the same DC sum times the feedback.
    EXPECT_NEAR(sumOver(out[0], period, period), 1.0, 1e-6);
    EXPECT_NEAR(sumOver(out[0], 2 * period, period), 0.5, 1e-3);
    EXPECT_NEAR(sumOver(out[0], 3 * period, period), 0.25, 1e-3);
    EXPECT_LT(std::fabs(out[0][2 * period]), 0.5f); // smeared by the damping
}

TEST(Delay, PingPongBouncesLeftRightLeft)
{
    auto delay = builtin("delay");
    setParam(*delay, "time", 100.0f);
    setParam(*delay, "pingpong", 1.0f);
    setParam(*delay, "feedback", 50.0f);
    setParam(*delay, "damping", 20000.0f);
    const std::size_t period = frames(0.1);
    const auto out = render(*delay, impulse(4 * period, 0), 4 * period);
    EXPECT_NEAR(sumOver(out[0], period, period), 1.0, 1e-3); // both inputs' average enters on the left
    EXPECT_NEAR(sumOver(out[1], period, period), 0.0, 1e-6);
    EXPECT_NEAR(sumOver(out[0], 2 * period, period), 0.0, 1e-6);
    EXPECT_NEAR(sumOver(out[1], 2 * period, period), 0.5, 1e-3);
    EXPECT_NEAR(sumOver(out[0], 3 * period, period), 0.25, 1e-3);
    EXPECT_NEAR(sumOver(out[1], 3 * period, period), 0.0, 1e-6);
}

TEST(Delay, DecaysToSilenceAfterTheInputStops)
{
    auto delay = builtin("delay"); // 375 ms, 35 % feedback
    Channels in(2, std::vector<float>(frames(8.0), 0.0f));
    std::uint32_t seed = 7;
    for (std::size_t i = 0; i < frames(0.5); ++i) {
        seed = seed * 1664525u + 1013904223u;
        in[0][i] = in[1][i] = 0.5f * (float(seed >> 8) / float(1u << 24) * 2.0f - 1.0f);
    }
    const auto out = render(*delay, in, frames(8.0));
    const double last = peakDb(std::span<const float>(out[0]).last(frames(1.0)));
    std::printf("[ measured ] delay (375 ms, 35 %%) 6.5 s after a noise burst: %.1f dBFS peak\n", last);
    EXPECT_LT(last, -100.0);
}

TEST(Delay, HighestFeedbackStaysBounded)
{
    auto delay = builtin("delay");
    setParam(*delay, "feedback", 95.0f);
    setParam(*delay, "time", 50.0f);
    const auto in = sine(frames(5.0), 440.0, testSampleRate, 0.5);
    const auto out = render(*delay, { in, in }, frames(5.0));
    for (float s : out[0])
        ASSERT_TRUE(std::isfinite(s));
    // A loop gain of 0.95 can build a steady tone up to 1 / (1 - 0.95) = 20 times (+26 dB).
    EXPECT_LT(peakDb(out[0]), peakDb(in) + 26.1);
}

TEST(Delay, ATimeChangeMovesTheEcho)
{
    auto delay = builtin("delay");
    setParam(*delay, "feedback", 0.0f);
    render(*delay, impulse(frames(0.5), 0, 0.0f, 0.0f), frames(0.5));
    setParam(*delay, "time", 100.0f);
    render(*delay, impulse(frames(0.1), 0, 0.0f, 0.0f), frames(0.1)); // the crossfade takes 1024 samples
    const auto out = render(*delay, impulse(frames(0.2), 0), frames(0.2));
    EXPECT_EQ(loudest(out[0]), frames(0.1));
    EXPECT_EQ(out[0][frames(0.1)], 1.0f);
}
