// SPDX-License-Identifier: GPL-3.0-or-later
// MIDI beat clock out, frame by frame from the transport (see MidiClock.h).
#include "engine/rt/MidiClock.h"

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
    counting_ = false;
    freeRunning_ = false;
    ticked_ = false;
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
    const double beats = grid.tempo.beatsAt(position);
    const double perBeat = ticksPerBeat(grid, beats);
    if (rolling) {
        freeRunning_ = false;
        if (perBeat != ticksPerBeat_) {
            ticksPerBeat_ = perBeat;
            counting_ = false;
        }
        if (!counting_) {
            nextTick_ = std::int64_t(std::ceil(beats * perBeat - onTheLine));
            counting_ = true;
        }
        nextTick_ = std::max(nextTick_, firstTick_);
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
        return;
    }
    if (!whileStopped_)
        return;
    const double bpm = grid.tempo.bpmAt(position);
    if (!(bpm > 0.0))
        return;
    const double period = 60.0 * double(grid.tempo.sampleRate) / (bpm * perBeat);
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
        freeRunning_ = false;
        resume(at, position, grid);
        break;
    case Change::Stopped:
        emit(at, midi::kind::stop);
        counting_ = false;
        freeRunning_ = false;
        break;
    case Change::Located:
        freeRunning_ = false;
        if (rolling) {
            emit(at, midi::kind::stop);
            resume(at, position, grid);
        } else {
            songPosition(at, position, grid);
        }
        break;
    case Change::Regrid:
        // The beats are counted anew; the last tick's frame keeps a tick from going out twice.
        counting_ = false;
        freeRunning_ = false;
        break;
    }
}

void MidiClock::resume(std::uint64_t at, std::int64_t position, const TimeGrid& grid) noexcept
{
    const double beats = grid.tempo.beatsAt(position);
    ticksPerBeat_ = ticksPerBeat(grid, beats);
    counting_ = false;
    ticked_ = false; // a tick on this frame before the start is the old run's
    if (beats <= onTheLine) {
        emit(at, midi::kind::start);
        firstTick_ = 0; // a count-in: the receiver starts on bar 1's tick
        return;
    }
    const double sixteenths = beats * ticksPerBeat_ / 6.0;
    const auto place = std::int64_t(std::ceil(sixteenths - onTheLine));
    emit(at, midi::kind::songPosition, int(std::min(place, maxSongPosition)));
    emit(at, midi::kind::resume);
    firstTick_ = place * 6; // past 1,023 bars the receiver cannot be told: it counts from there
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
