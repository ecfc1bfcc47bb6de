// SPDX-License-Identifier: GPL-3.0-or-later
// The transport's control side (see TransportControl.h): each request checked by the
// transport's rules, then queued for the audio thread or asked of JACK's transport.
#include "engine/TransportControl.h"

#include "core/TransportText.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace backline::engine {

namespace {

Error invalid(std::string message)
{
    return makeError(ErrorCode::Param, std::move(message));
}

/// A check that passed is an empty message.
Result<void> check(std::string problem)
{
    if (problem.empty())
        return {};
    return invalid(std::move(problem));
}

} // namespace

void TransportControl::setLeader(transport::JackMode mode, TransportLeader* leader)
{
    std::lock_guard lock(mutex_);
    mode_ = mode;
    leader_ = mode == transport::JackMode::Off ? nullptr : leader;
}

Result<void> TransportControl::send(const TransportRequest& request, std::uint64_t atFrame)
{
    if (!engine_.requestTransport(request, atFrame))
        return makeError(ErrorCode::Engine, "the engine is not keeping up (command queue full); nothing changed");
    return {};
}

Result<void> TransportControl::roll(bool rolling, std::uint64_t atFrame)
{
    std::lock_guard lock(mutex_);
    if (!leader_)
        return send(TransportRequest {rolling ? TransportRequest::Op::Play : TransportRequest::Op::Stop}, atFrame);
    if (rolling)
        leader_->start();
    else
        leader_->stop();
    return {};
}

Result<port::TransportPosition> TransportControl::locateFrame(
    const TransportSnapshot& now, std::int64_t frame, std::uint64_t atFrame, const TransportRequest& request)
{
    {
        std::lock_guard lock(mutex_);
        if (leader_)
            leader_->locate(frame);
        else if (auto r = send(request, atFrame); !r)
            return r.error();
    }
    const TimeGrid& grid = now.grid;
    const TimeGrid landed = TimeGrid::constant(
        frame, grid.tempo.targetBpm(), grid.meter.num, grid.meter.den, grid.tempo.sampleRate);
    return describe(now, frame, landed);
}

Result<port::TransportPosition> TransportControl::locate(double seconds, std::uint64_t atFrame)
{
    if (auto r = check(transport::locateProblem(seconds)); !r)
        return r.error();
    const TransportSnapshot now = engine_.transportSnapshot();
    const std::int64_t frame = std::llround(seconds * now.grid.tempo.sampleRate);
    TransportRequest request {TransportRequest::Op::Locate};
    request.frame = frame;
    return locateFrame(now, frame, atFrame, request);
}

Result<port::TransportPosition> TransportControl::locate(transport::BarBeat where, std::uint64_t atFrame)
{
    const TransportSnapshot now = engine_.transportSnapshot();
    const TimeGrid& grid = now.grid;
    if (where.bar < 1 || where.bar > transport::maxLocateBar)
        return invalid(fmt::format("a locate goes to bars 1 … {}, got {}", transport::maxLocateBar, where.bar));
    if (auto r = check(transport::beatProblem(where.beat, grid.meter.num)); !r)
        return r.error();
    // The frame the audio thread's transport computes the same way (Transport::apply), so the
    // reply says where it lands; JACK is sent to that frame when it leads.
    const std::int64_t frame
        = TimeGrid::constant(0, grid.tempo.targetBpm(), grid.meter.num, grid.meter.den, grid.tempo.sampleRate)
              .frameOf(where.bar, where.beat);
    TransportRequest request {TransportRequest::Op::LocateBar};
    request.frame = where.bar;
    request.beat = where.beat;
    return locateFrame(now, frame, atFrame, request);
}

Result<void> TransportControl::setTempo(double bpm, double glideSeconds, std::uint64_t atFrame)
{
    if (auto r = check(transport::tempoProblem(bpm)); !r)
        return r;
    if (auto r = check(transport::glideProblem(glideSeconds)); !r)
        return r;
    TransportRequest request {TransportRequest::Op::Tempo};
    request.bpm = bpm;
    request.glideSeconds = glideSeconds;
    return changeGrid(request, atFrame);
}

Result<void> TransportControl::setMeter(int num, int den, std::uint64_t atFrame)
{
    if (auto r = check(transport::meterProblem(num, den)); !r)
        return r;
    TransportRequest request {TransportRequest::Op::Meter};
    request.num = num;
    request.den = den;
    return changeGrid(request, atFrame);
}

Result<void> TransportControl::changeGrid(const TransportRequest& request, std::uint64_t atFrame)
{
    if (auto r = send(request, atFrame); !r)
        return r;
    // JACK asks its timebase master for bars while rolling and after a locate only: stopped,
    // a locate to where it stands (no move: followed, it changes nothing) has JACK's clients
    // see the new tempo or meter.
    std::lock_guard lock(mutex_);
    if (mode_ == transport::JackMode::Lead && leader_) {
        const TransportSnapshot now = engine_.transportSnapshot();
        if (!now.rolling)
            leader_->locate(now.frame);
    }
    return {};
}

port::TransportPosition TransportControl::describe(
    const TransportSnapshot& snapshot, std::int64_t frame, const TimeGrid& grid) const
{
    const MusicalPosition m = grid.at(frame);
    port::TransportPosition p;
    p.state = snapshot.rolling ? port::TransportState::Rolling : port::TransportState::Stopped;
    p.frame = frame;
    p.sampleRate = grid.tempo.sampleRate;
    p.seconds = double(frame) / double(p.sampleRate);
    p.bar = m.place.bar;
    p.beat = m.place.beat;
    p.tickFraction = m.place.fraction;
    p.bpm = m.bpm;
    p.targetBpm = grid.tempo.targetBpm();
    p.meterNum = grid.meter.num;
    p.meterDen = grid.meter.den;
    p.barBeats = m.place.beatsPerBar;
    p.engineFrame = snapshot.engineFrame;
    p.changes = snapshot.changes;
    std::lock_guard lock(mutex_);
    p.jack = mode_;
    return p;
}

port::TransportPosition TransportControl::position() const
{
    const TransportSnapshot s = engine_.transportSnapshot();
    return describe(s, s.frame, s.grid);
}

std::optional<std::uint64_t> TransportControl::nextBoundary(transport::Boundary when, std::uint64_t notBefore) const
{
    const TransportSnapshot s = engine_.transportSnapshot();
    if (!s.rolling)
        return std::nullopt;
    // While rolling the transport moves one frame per engine frame: the two differ by a constant.
    const std::uint64_t from = std::max(notBefore, s.engineFrame);
    const std::int64_t frame = s.frame + std::int64_t(from - s.engineFrame);
    return from + std::uint64_t(s.grid.nextBoundary(frame, when) - frame);
}

std::optional<std::uint64_t> TransportControl::frameOf(transport::BarBeat where) const
{
    const TransportSnapshot s = engine_.transportSnapshot();
    if (!s.rolling)
        return std::nullopt;
    const std::int64_t frame = s.grid.frameOf(where.bar, where.beat);
    if (frame < s.frame)
        return std::nullopt;
    return s.engineFrame + std::uint64_t(frame - s.frame);
}

} // namespace backline::engine
