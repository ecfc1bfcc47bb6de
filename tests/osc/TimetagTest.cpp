// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/ClockEstimator.h"
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

TEST(ClockEstimator, WithoutHistoryCountsFromTheLatestReadingAtTheNominalRate)
{
    ClockEstimator clock;
    EXPECT_EQ(clock.frameAt(5'000'000'000), 0u) << "nothing known: 0, at once";
    clock.add({48000, 1'000'000'000, 48000}); // frame 48000 due at t = 1 s
    EXPECT_EQ(clock.frameAt(1'510'000'000), 48000u + 24480u);
}

TEST(ClockEstimator, FollowsAClockThatRunsSlowDespiteJitter)
{
    // A dummy driver running 1.5% slow, each block's reading up to 1 ms late.
    ClockEstimator clock;
    const double rate = 48000 * 0.985;
    std::uint64_t jitter = 12345;
    for (int i = 0; i <= 300; ++i) {
        const std::uint64_t frame = 128ULL * std::uint64_t(i * 10);
        jitter = jitter * 6364136223846793005ULL + 1442695040888963407ULL;
        const auto late = std::int64_t((jitter >> 33) % 1'000'000);
        clock.add({frame, std::int64_t(double(frame) / rate * 1e9) + late, 48000});
    }
    EXPECT_NEAR(clock.framesPerSecond(), rate, 5.0);
    // Half a second after the last reading's true time.
    const double lastTrue = double(128 * 3000) / rate;
    const auto due = clock.frameAt(std::int64_t((lastTrue + 0.5) * 1e9));
    EXPECT_NEAR(double(due), 128.0 * 3000 + 0.5 * rate, 48.0) << "within a millisecond";
}

TEST(ClockEstimator, AJumpStartsTheHistoryAfresh)
{
    ClockEstimator clock;
    for (int i = 0; i <= 20; ++i)
        clock.add({std::uint64_t(4800 * i), std::int64_t(i) * 100'000'000, 48000});
    EXPECT_NEAR(clock.framesPerSecond(), 48000.0, 1.0);
    // JACK was gone for ten seconds: the frames did not move meanwhile.
    clock.add({4800 * 21, 12'100'000'000, 48000});
    EXPECT_EQ(clock.framesPerSecond(), 48000.0) << "nominal until a second of new history";
    EXPECT_EQ(clock.frameAt(12'600'000'000), 4800u * 21 + 24000u);
}

TEST(ClockEstimator, AnExactLatestReadingAnchorsTheLineWhereTheClockIsNow)
{
    // JACK's delay-locked loop gives each cycle's true start. The clock ran at 48 kHz for four
    // seconds, then lost 5 ms (a busy machine starved the driver): the fitted line still sits
    // behind the old readings, the latest exact reading knows where the clock is.
    ClockEstimator clock;
    for (int i = 0; i <= 40; ++i)
        clock.add({std::uint64_t(4800 * i), std::int64_t(i) * 100'000'000, 48000, true});
    const std::int64_t lastNs = 4'105'000'000; // frame 4800 × 41 began 105 ms after the one before
    clock.add({4800 * 41, lastNs, 48000, true});
    const auto due = clock.frameAt(lastNs + 20'000'000);
    EXPECT_NEAR(double(due), 4800.0 * 41 + 960.0, 2.0) << "20 ms after the latest reading";
}
