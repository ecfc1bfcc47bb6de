// SPDX-License-Identifier: GPL-3.0-or-later
// The transport following an external MIDI beat clock (see MidiClockIn.h).
#include "engine/rt/MidiClockIn.h"

#include "core/TransportRules.h"

#include <cmath>

namespace backline::engine {

namespace {

/// Tempo changes smaller than this are the cable's jitter, not the player's.
constexpr double bpmDeadband = 0.05;
/// Ticks this far apart (or more) are a clock that stopped and started again.
constexpr double gapSeconds = 0.5;
/// Intervals a tempo is measured over before the first one is set.
constexpr std::size_t firstMeasure = 6;

} // namespace

void MidiClockIn::reset() noexcept
{
    waiting_ = Waiting::None;
    count_ = 0;
    next_ = 0;
    bpm_ = 0.0;
}

void MidiClockIn::ask(Transport& transport, TransportRequest::Op op, std::uint64_t frame, std::uint64_t now,
    std::int64_t where, double bpm) noexcept
{
    TransportRequest request;
    request.op = op;
    request.frame = where;
    request.bpm = bpm;
    transport.request(request, frame, now);
}

bool MidiClockIn::take(const midi::MidiMessage& message, std::uint64_t frame, std::uint64_t now, Transport& transport) noexcept
{
    if (!on_)
        return false;
    switch (message.status()) {
    case midi::kind::clock:
        tick(frame, now, transport);
        return true;
    case midi::kind::start:
        waiting_ = Waiting::Start;
        return true;
    case midi::kind::resume:
        waiting_ = Waiting::Continue;
        return true;
    case midi::kind::stop:
        waiting_ = Waiting::None;
        ask(transport, TransportRequest::Op::Stop, frame, now);
        return true;
    case midi::kind::songPosition: {
        if (message.size != 3)
            return true;
        const int sixteenths = message.bytes[1] | (message.bytes[2] << 7);
        const TimeGrid& grid = transport.grid();
        // Bar 1 at frame 0 at the tempo in force, as every locate; a sixteenth is den/16 beats.
        const double beats = double(sixteenths) * double(grid.meter.den) / 16.0;
        const TempoMap map = TempoMap::constant(0, grid.tempo.targetBpm(), grid.tempo.sampleRate);
        ask(transport, TransportRequest::Op::Locate, frame, now, map.firstFrameOf(beats));
        return true;
    }
    default:
        return false;
    }
}

void MidiClockIn::tick(std::uint64_t frame, std::uint64_t now, Transport& transport) noexcept
{
    const TimeGrid& grid = transport.grid();
    const double rate = double(grid.tempo.sampleRate);
    const std::size_t last = (next_ + ticks_.size() - 1) % ticks_.size();
    if (count_ > 0 && (frame <= ticks_[last] || double(frame - ticks_[last]) > gapSeconds * rate))
        count_ = 0; // the clock stopped (or time went back: a new JACK client): count afresh
    ticks_[next_] = frame;
    next_ = (next_ + 1) % ticks_.size();
    if (count_ < ticks_.size())
        ++count_;
    if (waiting_ != Waiting::None) {
        // The receiver starts on the first tick after Start or Continue.
        if (waiting_ == Waiting::Start)
            ask(transport, TransportRequest::Op::Locate, frame, now, 0);
        ask(transport, TransportRequest::Op::Play, frame, now);
        waiting_ = Waiting::None;
    }
    const std::size_t intervals = count_ - 1;
    if (count_ < 2 || intervals < firstMeasure)
        return;
    const std::size_t oldest = (next_ + ticks_.size() - count_) % ticks_.size();
    const double perTick = double(frame - ticks_[oldest]) / double(intervals);
    // 24 ticks a quarter note; the transport counts the meter's beats (den 8: eighths).
    const double quarters = 60.0 * rate / (perTick * 24.0);
    const double bpm = quarters * double(grid.meter.den) / 4.0;
    if (!transport::validTempo(bpm) || std::fabs(bpm - bpm_) <= bpmDeadband)
        return;
    bpm_ = bpm;
    ask(transport, TransportRequest::Op::Tempo, frame, now, 0, bpm);
}

} // namespace backline::engine
