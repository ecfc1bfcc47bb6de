// SPDX-License-Identifier: GPL-3.0-or-later
#include "Signal.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace backline::test {

namespace {
double toDb(double linear) { return linear > 0.0 ? 20.0 * std::log10(linear) : -400.0; }
}

double rmsDb(std::span<const float> samples)
{
    if (samples.empty())
        return -400.0;
    double sum = 0.0;
    for (float s : samples)
        sum += double(s) * double(s);
    return toDb(std::sqrt(sum / double(samples.size())));
}

double peak(std::span<const float> samples)
{
    double largest = 0.0;
    for (float s : samples)
        largest = std::max(largest, std::fabs(double(s)));
    return largest;
}

double peak(const std::vector<float>& x, std::size_t from, std::size_t to)
{
    to = std::min(to, x.size());
    return from < to ? peak(std::span(x).subspan(from, to - from)) : 0.0;
}

double peakDb(std::span<const float> samples) { return toDb(peak(samples)); }

double toneDb(std::span<const float> samples, double frequency, double sampleRate)
{
    const std::size_t n = samples.size();
    if (n < 2)
        return -400.0;
    const double w = 2.0 * std::numbers::pi * frequency / sampleRate;
    double re = 0.0, im = 0.0, windowSum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double win = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(i) / double(n - 1));
        re += win * samples[i] * std::cos(w * double(i));
        im -= win * samples[i] * std::sin(w * double(i));
        windowSum += win;
    }
    return toDb(2.0 * std::hypot(re, im) / windowSum);
}

double toneDbMedian(std::span<const float> samples, double frequency, double sampleRate, std::size_t chunkFrames)
{
    std::vector<double> levels;
    for (std::size_t at = 0; at + chunkFrames <= samples.size(); at += chunkFrames)
        levels.push_back(toneDb(samples.subspan(at, chunkFrames), frequency, sampleRate));
    if (levels.empty())
        return toneDb(samples, frequency, sampleRate);
    std::sort(levels.begin(), levels.end());
    const std::size_t mid = levels.size() / 2;
    return levels.size() % 2 ? levels[mid] : 0.5 * (levels[mid - 1] + levels[mid]);
}

std::vector<float> sine(std::size_t frames, double frequency, double sampleRate, double amplitude)
{
    std::vector<float> out(frames);
    for (std::size_t i = 0; i < frames; ++i)
        out[i] = float(amplitude * std::sin(2.0 * std::numbers::pi * frequency * double(i) / sampleRate));
    return out;
}

std::span<const float> settled(const std::vector<float>& v)
{
    return std::span<const float>(v).subspan(v.size() / 2);
}

std::vector<std::size_t> edges(std::span<const float> x)
{
    std::vector<std::size_t> out;
    std::size_t steady = 0; // how long x has held its value
    for (std::size_t i = 1; i < x.size(); ++i) {
        if (x[i] == x[i - 1]) {
            ++steady;
            continue;
        }
        if (steady >= 64)
            out.push_back(i);
        steady = 0;
    }
    return out;
}

} // namespace backline::test
