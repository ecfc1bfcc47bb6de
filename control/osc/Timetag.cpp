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

std::int64_t monotonicNowNs()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::int64_t(now.tv_sec) * 1000000000LL + now.tv_nsec;
}

} // namespace backline::control
