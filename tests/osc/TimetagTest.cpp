// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/Timetag.h"

#include <gtest/gtest.h>

using namespace backline::control;
using namespace std::chrono;

TEST(Timetag, WallTimesRoundTripWithinANanosecond)
{
    const auto now = system_clock::now();
    const auto back = fromTimetag(toTimetag(now));
    EXPECT_LE(std::abs(duration_cast<nanoseconds>(back - now).count()), 1);
}

TEST(Timetag, TheUnixEpochIsNtpSecond2208988800)
{
    EXPECT_EQ(toTimetag(system_clock::time_point {}), std::uint64_t(2208988800ULL) << 32);
}

TEST(Timetag, SecondsUntilIsPositiveAheadNegativeBehind)
{
    const auto now = system_clock::now();
    EXPECT_NEAR(secondsUntil(toTimetag(now + milliseconds(500)), now), 0.5, 1e-6);
    EXPECT_NEAR(secondsUntil(toTimetag(now - seconds(2)), now), -2.0, 1e-6);
}

TEST(Timetag, FrameAtCountsFromTheClockReading)
{
    EngineClock clock {48000, 1'000'000'000, 48000}; // frame 48000 due at t = 1 s
    // Now is t = 1.010 s; 0.5 s ahead is t = 1.510 s: 0.510 s after the reading.
    EXPECT_EQ(frameAt(0.5, 1'010'000'000, clock), 48000u + 24480u);
    EXPECT_EQ(frameAt(-1.0, 1'010'000'000, clock), 0u);
    EXPECT_EQ(frameAt(0.5, 1'010'000'000, EngineClock {}), 0u) << "no engine clock yet: at once";
}
