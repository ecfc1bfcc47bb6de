// SPDX-License-Identifier: GPL-3.0-or-later
// Every continuous shared control of the built-in instruments, jumped from its minimum to its
// maximum and back through the engine while a note sounds, must not click. The instruments leave
// that smoothing to the engine (smoothing "engine": the controls ramp over 20 ms in 8-frame
// slices, every voice following slot 0), so this is where their glides are held to a bound.
//
// A voice is no steady sine (tests/faust/SmoothingTest.cpp's reference): a sawtooth's own steps
// dwarf a sine's. So the bound is the sound's own, at the output's local level, as there: no
// sample-to-sample step of the output may exceed 1.25 times the largest step the same note
// makes within ±10 ms of that sample with the control held at its minimum, or at its maximum,
// throughout (renders of their own, on the same timeline), scaled by the output's local peak
// over that render's; plus -90 dBFS for the level's final snap. An unsmoothed 6 dB jump of the
// level breaks it.
#include "ClickBound.h"
#include "EngineFixture.h"
#include "TrackTaps.h"

#include "faust/DspFactory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

using backline::test::OfflineSession;
using backline::test::TrackTaps;
using namespace backline;

namespace {

constexpr int rate = 48000;
/// The note sounds from 0; the control jumps to its maximum at 0.3 s and back at 0.6 s.
constexpr double partSeconds[] = {0.3, 0.3, 0.3};
constexpr std::size_t checkFrom = std::size_t(0.25 * rate);

/// The note an instrument's control is heard on: a drum control's piece, else A3.
int noteFor(const std::string& instrument, const std::string& path)
{
    if (instrument != "drums")
        return 57;
    if (path.rfind("kick/", 0) == 0)
        return 36;
    if (path.rfind("snare/", 0) == 0)
        return 38;
    if (path.rfind("tom/", 0) == 0)
        return 41;
    if (path.rfind("hat/", 0) == 0)
        return 46; // the open hat rings longest
    return 49;     // a cymbal (cymbal/decay, level)
}

/// The instrument playing `note` from frame 0 with `path` at values[0], then values[1] and
/// values[2] for partSeconds each: the track's left side.
std::vector<float> play(const std::string& instrument, int note, const std::string& path, const float (&values)[3])
{
    OfflineSession s("backline: 1\ntracks:\n  - name: keys\n    dsp: " + instrument
        + "\n    channels: 2\n    voices: 2\n    params: {" + path + ": " + std::to_string(values[0]) + "}\n");
    TrackTaps taps(s, {0u});
    EXPECT_TRUE(s.play.note("keys", note, 0.8));
    const std::string address = "/track/keys/dsp/" + path;
    std::vector<float> out;
    for (int k = 0; k < 3; ++k) {
        if (k > 0) {
            EXPECT_TRUE(s.control.set(address, values[k])) << address;
        }
        const auto played = taps.render(partSeconds[k]);
        out.insert(out.end(), played[0].left.begin(), played[0].left.end());
    }
    return out;
}

/// |x[i] - x[i-1]| (0 at i = 0).
std::vector<double> steps(const std::vector<float>& x)
{
    std::vector<double> d(x.size(), 0.0);
    for (std::size_t i = 1; i < x.size(); ++i)
        d[i] = std::fabs(double(x[i]) - double(x[i - 1]));
    return d;
}

/// The largest of x over [i - clickBoundWindow, i + clickBoundWindow], for every i.
std::vector<double> localMax(const std::vector<double>& x)
{
    const std::size_t n = x.size(), w = test::clickBoundWindow;
    std::vector<double> out(n, 0.0);
    std::deque<std::size_t> window; // indices whose values decrease from front to back
    std::size_t next = 0;
    for (std::size_t i = 0; i < n; ++i) {
        for (; next < std::min(n, i + w + 1); ++next) {
            while (!window.empty() && x[window.back()] <= x[next])
                window.pop_back();
            window.push_back(next);
        }
        while (window.front() + w < i)
            window.pop_front();
        out[i] = x[window.front()];
    }
    return out;
}

std::vector<double> magnitudes(const std::vector<float>& x)
{
    std::vector<double> m(x.size());
    std::transform(x.begin(), x.end(), m.begin(), [](float v) { return std::fabs(double(v)); });
    return m;
}

/// Worst step of `jumped` over the largest step either reference makes within ±clickBoundWindow,
/// scaled from that reference's local peak to jumped's.
double worstStepRatio(const std::vector<float>& jumped, const std::vector<float>& atMin, const std::vector<float>& atMax)
{
    const std::size_t n = std::min({jumped.size(), atMin.size(), atMax.size()});
    const auto peak = localMax(magnitudes(jumped));
    const std::vector<float>* refs[] = {&atMin, &atMax};
    std::vector<double> allowed(n, 0.0);
    for (const auto* ref : refs) {
        const auto ownStep = localMax(steps(*ref));
        const auto ownPeak = localMax(magnitudes(*ref));
        for (std::size_t i = 0; i < n; ++i)
            if (ownPeak[i] > 0.0)
                allowed[i] = std::max(allowed[i], ownStep[i] * peak[i] / ownPeak[i]);
    }
    const auto dj = steps(jumped);
    double worst = 0.0;
    for (std::size_t i = checkFrom; i < n; ++i) {
        const double step = dj[i] - test::clickBoundSnap;
        if (step > 0.0)
            worst = std::max(worst, allowed[i] > 0.0 ? step / allowed[i] : 1e9);
    }
    return worst;
}

} // namespace

TEST(InstrumentSmoothing, EverySharedControlJumpsMinToMaxAndBackThroughTheEngineWithoutAClick)
{
    int tested = 0;
    for (const char* instrument : {"synth", "epiano", "drums"}) {
        auto probe = faust::builtinFactory(instrument).value()->instantiate(rate).value();
        double worstOfAll = 0.0;
        std::string worstPath;
        for (const auto& param : probe->params()) {
            if (param.kind != port::ParamKind::Continuous || param.path == "freq" || param.path == "gain")
                continue;
            ++tested;
            const int note = noteFor(instrument, param.path);
            const auto jumped = play(instrument, note, param.path, {param.min, param.max, param.min});
            const auto atMin = play(instrument, note, param.path, {param.min, param.min, param.min});
            const auto atMax = play(instrument, note, param.path, {param.max, param.max, param.max});
            const double ratio = worstStepRatio(jumped, atMin, atMax);
            EXPECT_LE(ratio, test::clickBoundRatio)
                << instrument << " " << param.path << " (" << param.min << " -> " << param.max << " -> " << param.min << ")";
            if (ratio > worstOfAll) {
                worstOfAll = ratio;
                worstPath = param.path;
            }
        }
        std::printf("[ measured ] %s: controls jumped min -> max -> min through the engine; worst step %.3f x the "
                    "note's own (%s), allowed %.2f\n",
            instrument, worstOfAll, worstPath.c_str(), test::clickBoundRatio);
    }
    EXPECT_GT(tested, 30);
}

TEST(InstrumentSmoothing, TheBoundCatchesAnUnsmoothedLevelJump)
{
    // A held note, and the same note 6 dB louder from the crest nearest 0.3 s on, at once.
    const auto out = play("synth", 57, "level", {-12.0f, -12.0f, -12.0f});
    std::size_t crest = std::size_t(0.3 * rate);
    for (std::size_t i = crest; i < crest + 220; ++i)
        if (std::fabs(out[i]) > std::fabs(out[crest]))
            crest = i;
    std::vector<float> jumped = out, loud = out;
    for (float& x : loud)
        x *= 2.0f;
    for (std::size_t i = crest; i < jumped.size(); ++i)
        jumped[i] *= 2.0f;
    const double ratio = worstStepRatio(jumped, out, loud);
    std::printf("[ measured ] an unsmoothed 6 dB jump of the synth's level: %.2f x the note's own step\n", ratio);
    EXPECT_GT(ratio, test::clickBoundRatio);
}
