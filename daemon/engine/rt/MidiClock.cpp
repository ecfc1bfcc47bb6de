// SPDX-License-Identifier: GPL-3.0-or-later
// MIDI beat clock out, frame by frame from the transport (see MidiClock.h).
#include "engine/rt/MidiClock.h"

#include "core/Config.h"
#include "midi/MidiMessage.h"

#include <algorithm>
#include <cmath>

namespace backline::engine {

namespace {

/// Ticks of a beat of the meter's beat unit: 24 a quarter note.
double ticksPerBeat(const TimeGrid& grid, double beats) noexcept BACKLINE_NONBLOCKING
{
    return 96.0 / double(grid.meter.place(beats).beatUnit);
}

/// A beat count just past a line it sits on by rounding counts as on it.
constexpr double onTheLine = 1e-9;

/// Song Position counts 14 bits of sixteenths: 1,023 bars of 4/4.
constexpr std::int64_t maxSongPosition = 16383;

} // namespace

void MidiClock::configure(bool on, bool whileStopped, std::int64_t position, bool rolling, const TimeGrid& grid) noexcept
{
    whileStopped_ = whileStopped;
    if (on == on_)
        return;
    if (!on) {
        if (rolling)
            emit(blockStart_, midi::kind::stop); // a receiver left rolling would run on its own
        on_ = false;
        return;
    }
    on_ = true;
    freeRunning_ = false;
    ticked_ = false;
    reannounce(position, rolling, grid);
}

void MidiClock::reannounce(std::int64_t position, bool rolling, const TimeGrid& grid) noexcept
{
    if (!on_)
        return;
    rolled_ = false;
    if (rolling)
        resume(blockStart_, position, grid);
    else
        songPosition(blockStart_, position, grid);
}

void MidiClock::passed(std::uint64_t from, std::uint64_t to, std::int64_t position, bool rolling,
    const TimeGrid& grid) noexcept
{
    if (!on_)
        return;
    if (!rolling) {
        rolled_ = false;
        if (whileStopped_)
            freeRun(from, to, position, grid);
        return;
    }
    freeRunning_ = false;
    const std::int64_t end = position + std::int64_t(to - from);
    expected_ = end;
    rolled_ = true;
    if (startPending_) {
        // A count-in: Start and the first tick on bar 1's frame, free ticks before it.
        const std::int64_t bar1 = grid.tempo.firstFrameOf(-onTheLine);
        if (bar1 >= end) {
            if (whileStopped_)
                freeRun(from, to, position, grid);
            return;
        }
        const std::uint64_t at = from + std::uint64_t(std::max(bar1, position) - position);
        if (whileStopped_ && at > from)
            freeRun(from, at, position, grid);
        startPending_ = false;
        ticked_ = false;
        emit(at, midi::kind::start);
        roll(at, to, position + std::int64_t(at - from), grid);
        return;
    }
    // A meter change waiting for its bar line changes the beat unit there: the stretch is
    // ticked in two, each at its own rate.
    const MeterMap& meter = grid.meter;
    if (meter.beforeDen != meter.den) {
        const std::int64_t line = grid.tempo.firstFrameOf(double(meter.anchorBeats) - onTheLine);
        if (line > position && line < end) {
            const std::uint64_t at = from + std::uint64_t(line - position);
            roll(from, at, position, grid);
            roll(at, to, line, grid);
            return;
        }
    }
    roll(from, to, position, grid);
}

void MidiClock::roll(std::uint64_t from, std::uint64_t to, std::int64_t position, const TimeGrid& grid) noexcept
{
    const double beats = grid.tempo.beatsAt(position);
    const double perBeat = ticksPerBeat(grid, beats);
    const auto fromHere = std::int64_t(std::ceil(beats * perBeat - onTheLine));
    if (perBeat != ticksPerBeat_ || !counting_) {
        ticksPerBeat_ = perBeat;
        nextTick_ = fromHere;
        counting_ = true;
    } else if (regridded_ && std::llabs(fromHere - nextTick_) > 1) {
        nextTick_ = fromHere; // moved by more than a leader's rounding: count from here
    }
    regridded_ = false;
    nextTick_ = std::max(nextTick_, std::int64_t(std::ceil(firstBeat_ * perBeat - onTheLine)));
    const std::int64_t end = position + std::int64_t(to - from);
    // A stretch is at most a block: the bound only guards against nonsense.
    for (std::size_t n = 0; n <= capacity; ++n) {
        std::int64_t frame = grid.tempo.firstFrameOf(double(nextTick_) / perBeat - onTheLine);
        if (frame >= end)
            break;
        frame = std::max(frame, position); // due before the stretch: late rather than lost
        tick(from + std::uint64_t(frame - position));
        ++nextTick_;
    }
}

void MidiClock::freeRun(std::uint64_t from, std::uint64_t to, std::int64_t position, const TimeGrid& grid) noexcept
{
    const double bpm = grid.tempo.bpmAt(position);
    if (!(bpm > 0.0) || to <= from)
        return;
    const double period
        = 60.0 * double(grid.tempo.sampleRate) / (bpm * ticksPerBeat(grid, grid.tempo.beatsAt(position)));
    if (!freeRunning_) {
        // On from the last tick, so stopping does not bunch two ticks together.
        nextFree_ = ticked_ ? double(lastTick_) + period : double(from);
        freeRunning_ = true;
    }
    nextFree_ = std::max(nextFree_, double(from));
    for (std::size_t n = 0; n <= capacity && nextFree_ < double(to); ++n) {
        tick(std::uint64_t(nextFree_));
        nextFree_ += period;
    }
}

void MidiClock::changed(Change change, std::uint64_t at, std::int64_t position, bool rolling, const TimeGrid& grid) noexcept
{
    if (!on_)
        return;
    switch (change) {
    case Change::Started:
        resume(at, position, grid);
        break;
    case Change::Stopped:
        emit(at, midi::kind::stop);
        counting_ = false;
        freeRunning_ = false;
        startPending_ = false;
        rolled_ = false;
        break;
    case Change::Located: {
        // Following JACK, a cycle the engine did not run moves the leader on: the same run.
        const std::int64_t ahead = position - expected_;
        if (rolling && rolled_ && ahead > 0 && ahead <= std::int64_t(config::maxBlockFrames)) {
            expected_ = position;
            break;
        }
        freeRunning_ = false;
        if (rolling) {
            emit(at, midi::kind::stop);
            resume(at, position, grid);
        } else {
            startPending_ = false;
            songPosition(at, position, grid);
        }
        break;
    }
    case Change::Regrid:
        // The tick count carries on unless the grid moved by more than a rounding (roll()).
        regridded_ = true;
        freeRunning_ = false;
        break;
    }
}

void MidiClock::resume(std::uint64_t at, std::int64_t position, const TimeGrid& grid) noexcept
{
    const double beats = grid.tempo.beatsAt(position);
    counting_ = false;
    regridded_ = false;
    freeRunning_ = false;
    rolled_ = false;
    ticked_ = false; // a tick on this frame before the start is the old run's
    if (beats <= onTheLine) {
        firstBeat_ = 0.0;
        if (beats >= -onTheLine) {
            emit(at, midi::kind::start);
            startPending_ = false;
        } else {
            startPending_ = true; // a count-in: Start on bar 1's frame
        }
        return;
    }
    startPending_ = false;
    const double perBeat = ticksPerBeat(grid, beats);
    const auto place = std::int64_t(std::ceil(beats * perBeat / 6.0 - onTheLine));
    emit(at, midi::kind::songPosition, int(std::min(place, maxSongPosition)));
    emit(at, midi::kind::resume);
    firstBeat_ = double(place) * 6.0 / perBeat; // past 1,023 bars the receiver cannot be told: it counts from there
}

void MidiClock::songPosition(std::uint64_t at, std::int64_t position, const TimeGrid& grid) noexcept
{
    const double beats = grid.tempo.beatsAt(position);
    const double sixteenths = beats * ticksPerBeat(grid, beats) / 6.0;
    const auto place = std::clamp(std::int64_t(std::ceil(sixteenths - onTheLine)), std::int64_t(0), maxSongPosition);
    emit(at, midi::kind::songPosition, int(place));
}

void MidiClock::tick(std::uint64_t frame) noexcept
{
    if (ticked_ && frame <= lastTick_)
        return;
    emit(frame, midi::kind::clock);
    lastTick_ = frame;
    ticked_ = true;
}

void MidiClock::emit(std::uint64_t frame, std::uint8_t status, int data) noexcept
{
    if (count_ == messages_.size()) {
        dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        return;
    }
    ClockMessage& message = messages_[count_++];
    message.frame = std::max(frame, blockStart_);
    message.bytes[0] = status;
    message.size = 1;
    if (data >= 0) {
        message.bytes[1] = std::uint8_t(data & 0x7F);
        message.bytes[2] = std::uint8_t((data >> 7) & 0x7F);
        message.size = 3;
    }
}

} // namespace backline::engine
