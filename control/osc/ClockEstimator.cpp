// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/ClockEstimator.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace backline::control {

void ClockEstimator::add(const port::EngineClock& reading)
{
    if (reading.monotonicNs == 0 || reading.sampleRate <= 0)
        return;
    if (!history_.empty()) {
        const port::EngineClock& last = history_.back();
        if (reading.monotonicNs <= last.monotonicNs || reading.frame <= last.frame)
            return;
        const double seconds = double(reading.monotonicNs - last.monotonicNs) * 1e-9;
        const double rate = double(reading.frame - last.frame) / seconds;
        // Over more than a few blocks a rate 5% off nominal is not a clock: the engine stopped
        // (JACK went away) or the rate changed. Start again from here.
        if (reading.sampleRate != last.sampleRate || (seconds > 0.05 && std::abs(rate / reading.sampleRate - 1.0) > 0.05))
            history_.clear();
    }
    history_.push_back(reading);
    const std::int64_t horizon = reading.monotonicNs - std::int64_t(historySeconds * 1e9);
    std::size_t old = 0;
    while (old + 2 < history_.size() && history_[old + 1].monotonicNs < horizon)
        ++old;
    history_.erase(history_.begin(), history_.begin() + std::ptrdiff_t(old));
}

std::optional<ClockEstimator::Fit> ClockEstimator::fit() const
{
    if (history_.size() < 3)
        return std::nullopt;
    const port::EngineClock& first = history_.front();
    if (double(history_.back().monotonicNs - first.monotonicNs) * 1e-9 < 1.0)
        return std::nullopt;
    // Least squares of frame against time, both relative to the first reading.
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& r : history_) {
        const double x = double(r.monotonicNs - first.monotonicNs) * 1e-9;
        const double y = double(r.frame - first.frame);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    const double n = double(history_.size());
    const double denominator = n * sxx - sx * sx;
    if (denominator <= 0.0)
        return std::nullopt;
    const double rate = (n * sxy - sx * sy) / denominator;
    return Fit {double(first.frame) + (sy - rate * sx) / n, rate};
}

double ClockEstimator::framesPerSecond() const
{
    if (auto f = fit())
        return f->rate;
    return history_.empty() ? 0.0 : double(history_.back().sampleRate);
}

std::uint64_t ClockEstimator::frameAt(std::int64_t monotonicNs) const
{
    if (history_.empty())
        return 0;
    double frame = 0.0;
    const port::EngineClock& last = history_.back();
    if (auto f = fit()) {
        frame = last.exact ? double(last.frame) + f->rate * double(monotonicNs - last.monotonicNs) * 1e-9
                           : f->frame0 + f->rate * double(monotonicNs - history_.front().monotonicNs) * 1e-9;
    } else {
        frame = double(last.frame) + double(last.sampleRate) * double(monotonicNs - last.monotonicNs) * 1e-9;
    }
    return frame > 0.0 ? std::uint64_t(std::llround(frame)) : 0;
}

} // namespace backline::control
