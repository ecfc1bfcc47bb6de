// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/Timetag.h"

#include <cmath>
#include <ctime>

namespace backline::control {

namespace {

/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
constexpr std::int64_t ntpToUnixSeconds = 2208988800LL;

} // namespace

std::uint64_t toTimetag(std::chrono::system_clock::time_point time)
{
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
    const std::int64_t seconds = ns / 1000000000LL + ntpToUnixSeconds;
    const std::int64_t rest = ns % 1000000000LL;
    // rest < 2^30, so rest << 32 fits in 64 bits.
    const auto fraction = (std::uint64_t(rest) << 32) / 1000000000ULL;
    return std::uint64_t(seconds) << 32 | (fraction & 0xffffffffULL);
}

std::chrono::system_clock::time_point fromTimetag(std::uint64_t timetag)
{
    const auto seconds = std::int64_t(timetag >> 32) - ntpToUnixSeconds;
    const auto fraction = timetag & 0xffffffffULL;
    // fraction < 2^32 and 10^9 < 2^30: the product fits in 64 bits.
    const auto ns = std::int64_t((fraction * 1000000000ULL) >> 32);
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(seconds * 1000000000LL + ns)));
}

double secondsUntil(std::uint64_t timetag, std::chrono::system_clock::time_point systemNow)
{
    return std::chrono::duration<double>(fromTimetag(timetag) - systemNow).count();
}

void ClockEstimator::add(const EngineClock& reading)
{
    if (reading.monotonicNs == 0 || reading.sampleRate <= 0)
        return;
    if (!history_.empty()) {
        const EngineClock& last = history_.back();
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
    const EngineClock& first = history_.front();
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
    const EngineClock& last = history_.back();
    if (auto f = fit()) {
        frame = last.exact ? double(last.frame) + f->rate * double(monotonicNs - last.monotonicNs) * 1e-9
                           : f->frame0 + f->rate * double(monotonicNs - history_.front().monotonicNs) * 1e-9;
    } else {
        frame = double(last.frame) + double(last.sampleRate) * double(monotonicNs - last.monotonicNs) * 1e-9;
    }
    return frame > 0.0 ? std::uint64_t(std::llround(frame)) : 0;
}

std::int64_t monotonicNowNs()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::int64_t(now.tv_sec) * 1000000000LL + now.tv_nsec;
}

} // namespace backline::control
