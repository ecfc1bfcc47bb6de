// SPDX-License-Identifier: GPL-3.0-or-later
// Changes waiting on the audio thread for the transport's next beat or bar line, driven block by
// block as the engine drives them: where each is released, by the transport as it stands.
#include "engine/rt/LineCommands.h"

#include <gtest/gtest.h>

#include <cstdint>

using namespace backline::engine;
using backline::transport::Boundary;

namespace {

constexpr int rate = 48000;
constexpr std::uint32_t block = 256;
constexpr std::int64_t bar = 96000; // 120 BPM in 4/4 at 48 kHz
constexpr std::int64_t beat = 24000;

/// A transport and the waiting changes, run block by block; each change is a batch whose
/// `applied` flag says when the audio thread let go of it.
struct Waiters {
    Transport transport;
    LineCommands onLine;
    TimedCommands timed;
    std::uint64_t clock = 0;

    void request(TransportRequest::Op op, std::int64_t frame = 0)
    {
        TransportRequest r;
        r.op = op;
        r.frame = frame;
        transport.request(r, 0, clock);
    }

    void wait(ParamBatch& batch, Boundary line)
    {
        Command c;
        c.type = Command::Type::ApplyBatch;
        c.batch = &batch;
        c.line = line;
        ASSERT_TRUE(onLine.hold(c));
    }

    /// Runs frames with nothing waiting.
    void run(std::uint64_t frames)
    {
        transport.advance(clock, std::uint32_t(frames), rate);
        clock += frames;
    }

    /// Runs blocks until `batch` is applied or `end`; returns the frame it was applied at (-1: never).
    std::int64_t runUntilApplied(ParamBatch& batch, std::uint64_t end)
    {
        while (clock < end) {
            EXPECT_EQ(onLine.release(transport, clock, block, timed, nullptr), 0u);
            if (batch.applied.load())
                return std::int64_t(clock);
            const std::uint64_t due = timed.nextDue();
            if (due < clock + block) {
                timed.applyDue(due, nullptr);
                transport.advance(clock, block, rate);
                clock += block;
                return std::int64_t(due);
            }
            transport.advance(clock, block, rate);
            clock += block;
        }
        return -1;
    }
};

} // namespace

TEST(LineCommands, AChangeOnTheBarIsReleasedForTheBarsFirstFrameInsideItsBlock)
{
    Waiters w;
    w.transport.advance(0, 1000, rate);
    w.clock = 1000;
    w.request(TransportRequest::Op::Play); // the transport's frame 0 is engine frame 1000
    w.run(block); // off the line bar 1 starts on
    ParamBatch bar2, beat2;
    w.wait(bar2, Boundary::Bar);
    w.wait(beat2, Boundary::Beat);
    EXPECT_EQ(w.runUntilApplied(beat2, 10 * bar), 1000 + beat);
    EXPECT_EQ(w.runUntilApplied(bar2, 10 * bar), 1000 + bar);
}

TEST(LineCommands, StoppedOrStoppingBeforeTheLineItIsAppliedAtOnce)
{
    Waiters w;
    ParamBatch now;
    w.wait(now, Boundary::Bar);
    EXPECT_EQ(w.runUntilApplied(now, bar), 0) << "stopped: no line is coming";
    w.request(TransportRequest::Op::Play);
    w.run(block);
    ParamBatch later;
    w.wait(later, Boundary::Bar);
    w.runUntilApplied(later, 10 * block);
    ASSERT_FALSE(later.applied.load()) << "waits while rolling";
    w.request(TransportRequest::Op::Stop);
    const auto stopped = std::int64_t(w.clock);
    EXPECT_EQ(w.runUntilApplied(later, bar), stopped) << "the stop leaves no line to wait for";
}

TEST(LineCommands, ALocateBackWhileItWaitsMovesItsLineAndALocatePastTheLineLandsIt)
{
    Waiters w;
    w.request(TransportRequest::Op::Play);
    w.run(block);
    ParamBatch back;
    w.wait(back, Boundary::Bar);
    w.runUntilApplied(back, 50000);
    w.request(TransportRequest::Op::Locate, 10000); // back into bar 1: its line is further away now
    const std::uint64_t located = w.clock;
    EXPECT_EQ(w.runUntilApplied(back, 4 * bar), std::int64_t(located) + bar - 10000);

    ParamBatch past;
    w.wait(past, Boundary::Bar);
    w.runUntilApplied(past, w.clock + 10 * block);
    ASSERT_FALSE(past.applied.load());
    w.request(TransportRequest::Op::Locate, 3 * bar + 5000); // over the line it waited for
    EXPECT_EQ(w.runUntilApplied(past, w.clock + bar), std::int64_t(w.clock)) << "the line has gone by: at once";
}

TEST(LineCommands, OneWithAFrameWaitsForTheFirstLineAtOrAfterIt)
{
    // A timed bundle's recall on the bar: its frame falls inside bar 2, so bar 3 is its line.
    Waiters w;
    w.request(TransportRequest::Op::Play);
    w.run(block);
    ParamBatch timed;
    Command c;
    c.type = Command::Type::ApplyBatch;
    c.batch = &timed;
    c.line = Boundary::Bar;
    c.atFrame = bar + 1000;
    ASSERT_TRUE(w.onLine.hold(c));
    EXPECT_EQ(w.runUntilApplied(timed, 10 * bar), 2 * bar);
}

TEST(LineCommands, WhenFullTheCallerIsToldAndNothingIsLost)
{
    LineCommands onLine;
    Command c;
    c.type = Command::Type::SetParam;
    c.line = Boundary::Beat;
    for (std::size_t i = 0; i < backline::config::maxLineCommands; ++i)
        ASSERT_TRUE(onLine.hold(c));
    EXPECT_FALSE(onLine.hold(c)) << "full: the engine applies it at once and counts it";
}
