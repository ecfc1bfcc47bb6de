// SPDX-License-Identifier: GPL-3.0-or-later
// The audio thread's transport (see Transport.h): requests, a leader's position, the position
// moved block by block, the snapshot published.
#include "engine/rt/Transport.h"

#include <cmath>

namespace backline::engine {

namespace {

/// Tempo differences below this are a leader's rounding, not a tempo change worth telling.
constexpr double bpmTolerance = 0.01;
/// Beats a leader's bars may differ from ours before they are taken as a jump.
constexpr double beatTolerance = 1e-6;

} // namespace

Transport::Transport() noexcept = default;

void Transport::request(const TransportRequest& request, std::uint64_t atFrame, std::uint64_t now) noexcept
{
    moveTo(now);
    if (atFrame <= now) {
        apply(request);
        return;
    }
    if (heldCount_ == held_.size()) {
        overflows_.fetch_add(1, std::memory_order_relaxed); // a statistic
        apply(request);
        return;
    }
    held_[heldCount_++] = Held {request, atFrame};
}

void Transport::follow(const LeaderPosition& leader, std::uint64_t now) noexcept
{
    moveTo(now);
    const bool jumped = leader.frame != position_;
    if (leader.hasBars)
        adoptBars(leader);
    else if (jumped)
        locate(leader.frame);
    position_ = leader.frame;
    if (jumped && leader.hasBars)
        tell(TransportListener::Change::Located);
    if (leader.rolling != rolling_) {
        rolling_ = leader.rolling;
        ++changes_;
        tell(rolling_ ? TransportListener::Change::Started : TransportListener::Change::Stopped);
    }
}

void Transport::adoptBars(const LeaderPosition& leader) noexcept
{
    const double beats = double(leader.bar - 1) * leader.num + (leader.beat - 1) + leader.beatFraction;
    const bool jumped = leader.frame != position_;
    const bool newTempo = std::fabs(leader.bpm - grid_.tempo.bpmAt(leader.frame)) >= bpmTolerance;
    const bool newMeter = leader.num != grid_.meter.num || leader.den != grid_.meter.den;
    const bool drifted = std::fabs(grid_.tempo.beatsAt(leader.frame) - beats) > beatTolerance;
    if (!jumped && !newTempo && !newMeter && !drifted)
        return;
    // The leader's bars from the frame it gives, at its tempo: anchored there, as a locate is.
    grid_.tempo = TempoMap::constant(leader.frame, leader.bpm, grid_.tempo.sampleRate);
    grid_.tempo.anchorBeats = beats;
    grid_.meter = MeterMap::constant(leader.num, leader.den);
    if (jumped || newTempo || newMeter)
        ++changes_;
    if (!jumped)
        tell(TransportListener::Change::Regrid); // a jump is told by follow(), once at its place
}

void Transport::advance(std::uint64_t start, std::uint32_t nframes, int sampleRate) noexcept
{
    if (sampleRate > 0 && sampleRate != grid_.tempo.sampleRate)
        changeRate(sampleRate);
    moveTo(start);
    const std::uint64_t end = start + nframes;
    // Held requests due in this block, earliest first (in arrival order among equals).
    for (;;) {
        std::size_t due = heldCount_;
        for (std::size_t i = 0; i < heldCount_; ++i)
            if (held_[i].atFrame < end && (due == heldCount_ || held_[i].atFrame < held_[due].atFrame))
                due = i;
        if (due == heldCount_)
            break;
        const Held held = held_[due];
        for (std::size_t i = due + 1; i < heldCount_; ++i)
            held_[i - 1] = held_[i];
        --heldCount_;
        moveTo(held.atFrame > start ? held.atFrame : start);
        apply(held.request);
    }
    moveTo(end);
    published_.store(TransportSnapshot {engineFrame_, position_, grid_, changes_, rolling_});
}

TimeGrid Transport::gridFor(std::int64_t frame) const noexcept
{
    if (frame == position_)
        return grid_;
    return TimeGrid::constant(
        frame, grid_.tempo.targetBpm(), grid_.meter.num, grid_.meter.den, grid_.tempo.sampleRate);
}

void Transport::apply(const TransportRequest& request) noexcept
{
    const int rate = grid_.tempo.sampleRate;
    if (led_) {
        // The leader's transport moves; this one follows it (follow()) a cycle or two later.
        switch (request.op) {
        case TransportRequest::Op::Play:
            ask_.start = true;
            ask_.stop = false;
            return;
        case TransportRequest::Op::Stop:
            ask_.stop = true;
            ask_.start = false;
            return;
        case TransportRequest::Op::Locate:
            ask_.locate = request.frame;
            return;
        case TransportRequest::Op::LocateBar:
            ask_.locate = TimeGrid::constant(0, grid_.tempo.targetBpm(), grid_.meter.num, grid_.meter.den, rate)
                              .frameOf(request.frame, request.beat);
            return;
        default:
            break;
        }
    }
    switch (request.op) {
    case TransportRequest::Op::Play:
        if (!rolling_) {
            rolling_ = true;
            ++changes_;
            tell(TransportListener::Change::Started);
        }
        break;
    case TransportRequest::Op::Stop:
        if (rolling_) {
            rolling_ = false;
            ++changes_;
            tell(TransportListener::Change::Stopped);
        }
        break;
    case TransportRequest::Op::Locate:
        locate(request.frame);
        break;
    case TransportRequest::Op::LocateBar:
        // On the grid the locate makes: bar 1 at frame 0, at the tempo and meter in force.
        locate(TimeGrid::constant(0, grid_.tempo.targetBpm(), grid_.meter.num, grid_.meter.den, rate)
                   .frameOf(request.frame, request.beat));
        break;
    case TransportRequest::Op::Tempo:
        grid_.tempo = grid_.tempo.withTempo(position_, request.bpm, std::llround(request.glideSeconds * rate));
        ++changes_;
        break;
    case TransportRequest::Op::Meter: {
        // A bar line between two frames puts its first frame a hair past it: on that frame the
        // change starts the bar, as on a line that falls on a frame (else it waited a bar).
        double beats = grid_.tempo.beatsAt(position_);
        const double barStart = double(grid_.meter.place(beats).barStart);
        if (grid_.tempo.firstFrameOf(barStart) == position_)
            beats = barStart;
        grid_.meter = grid_.meter.withMeter(request.num, request.den, beats);
        ++changes_;
        tell(TransportListener::Change::Regrid);
        break;
    }
    case TransportRequest::Op::BarLine: {
        const MeterMap meter = grid_.meter.withBarLineAt(std::llround(grid_.tempo.beatsAt(position_)));
        if (meter.anchorBeats != grid_.meter.anchorBeats || meter.anchorBar != grid_.meter.anchorBar) {
            grid_.meter = meter;
            ++changes_;
            tell(TransportListener::Change::Regrid);
        }
        break;
    }
    case TransportRequest::Op::None:
        break;
    }
}

void Transport::locate(std::int64_t frame) noexcept
{
    position_ = frame;
    grid_ = TimeGrid::constant(
        frame, grid_.tempo.targetBpm(), grid_.meter.num, grid_.meter.den, grid_.tempo.sampleRate);
    ++changes_;
    tell(TransportListener::Change::Located);
}

void Transport::moveTo(std::uint64_t engineFrame) noexcept
{
    if (listener_ && engineFrame > engineFrame_)
        listener_->passed(engineFrame_, engineFrame, position_, rolling_, grid_);
    if (rolling_ && engineFrame > engineFrame_)
        position_ += std::int64_t(engineFrame - engineFrame_);
    if (engineFrame > engineFrame_)
        engineFrame_ = engineFrame;
}

void Transport::changeRate(int sampleRate) noexcept
{
    // The same second and the same place in bars: a rebuilt session at another rate carries on.
    const double beats = grid_.tempo.beatsAt(position_);
    position_ = std::llround(double(position_) * sampleRate / grid_.tempo.sampleRate);
    grid_.tempo = TempoMap::constant(position_, grid_.tempo.targetBpm(), sampleRate);
    grid_.tempo.anchorBeats = beats;
    ++changes_;
    tell(TransportListener::Change::Regrid);
}

} // namespace backline::engine
