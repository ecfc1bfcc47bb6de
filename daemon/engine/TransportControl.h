// SPDX-License-Identifier: GPL-3.0-or-later
// TransportControl: the transport half of the control port — checks requests, sends them to
// the audio thread's transport (or to JACK's, when JACK's leads) and reads what it publishes.
#pragma once

#include "core/TransportRules.h"
#include "engine/Engine.h"
#include "engine/rt/Transport.h"
#include "port/TransportPort.h"

#include <cstdint>
#include <mutex>
#include <optional>

namespace backline::engine {

/// A backend whose transport leads (JACK's, with transport.jack follow or lead): play, stop and
/// locate are asked of it, and the engine's transport follows what it does (followTransport).
class TransportLeader {
public:
    virtual ~TransportLeader() = default;
    /// [control] Asks the leader to start rolling.
    virtual void start() = 0;
    /// [control] Asks the leader to stop.
    virtual void stop() = 0;
    /// [control] Asks the leader to go to transport frame frame.
    virtual void locate(std::int64_t frame) = 0;
};

/// The engine's transport as every surface reaches it (port::TransportPort says what each call
/// does). Safe to call from any control thread; never from the audio thread.
class TransportControl final : public port::TransportPort {
public:
    explicit TransportControl(Engine& engine)
        : engine_(engine)
    {
    }

    /// [control] From now on play, stop and locate go to leader (JACK's transport, with mode
    /// follow or lead), or to the engine's own transport (mode off, or no leader: JACK away).
    /// Once this returns no request is in flight to the previous leader.
    void setLeader(transport::JackMode mode, TransportLeader* leader);

    Result<void> play(std::uint64_t atFrame = 0) override { return roll(true, atFrame); }
    Result<void> stop(std::uint64_t atFrame = 0) override { return roll(false, atFrame); }
    Result<port::TransportPosition> locate(double seconds, std::uint64_t atFrame = 0) override;
    Result<port::TransportPosition> locate(transport::BarBeat where, std::uint64_t atFrame = 0) override;
    Result<void> setTempo(double bpm, double glideSeconds = 0.0, std::uint64_t atFrame = 0) override;
    Result<void> setMeter(int num, int den, std::uint64_t atFrame = 0) override;
    port::TransportPosition position() const override;
    std::optional<std::uint64_t> nextBoundary(transport::Boundary when, std::uint64_t notBefore = 0) const override;
    std::optional<std::uint64_t> frameOf(transport::BarBeat where) const override;

private:
    Result<void> send(const TransportRequest& request, std::uint64_t atFrame);
    /// [control] Sends a tempo or meter change; leading JACK's transport while it stands, has
    /// JACK ask for bars again.
    Result<void> changeGrid(const TransportRequest& request, std::uint64_t atFrame);
    /// [control] Starts (rolling) or stops the transport, by the leader or the engine.
    Result<void> roll(bool rolling, std::uint64_t atFrame);
    /// [control] Goes to transport frame frame (on the grid a locate makes), by the leader or
    /// the engine; returns where that is.
    Result<port::TransportPosition> locateFrame(const TransportSnapshot& now, std::int64_t frame, std::uint64_t atFrame,
        const TransportRequest& request);
    port::TransportPosition describe(const TransportSnapshot& snapshot, std::int64_t frame, const TimeGrid& grid) const;

    Engine& engine_;
    mutable std::mutex mutex_; // guards leader_ and mode_ against a request in flight
    TransportLeader* leader_ = nullptr;
    transport::JackMode mode_ = transport::JackMode::Off;
};

} // namespace backline::engine
