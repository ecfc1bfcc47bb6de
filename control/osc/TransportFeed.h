// SPDX-License-Identifier: GPL-3.0-or-later
// The transport over OSC: the messages that describe it (replies and feedback alike) and
// TransportFeed, what subscribers are sent of it and when.
#pragma once

#include "control/osc/OscReply.h"
#include "port/TransportPort.h"

#include <cstdint>
#include <vector>

namespace backline::control {

/// `/transport/position f:seconds i:bar i:beat f:tick_fraction f:bpm s:state`.
OscReply transportPositionMessage(const port::TransportPosition& p);
/// `/transport/tempo f:bpm`: the tempo a glide goes to (the tempo, when none).
OscReply transportTempoMessage(const port::TransportPosition& p);
/// `/transport/meter i:num i:den`: the meter last set.
OscReply transportMeterMessage(const port::TransportPosition& p);

/// What subscribers hear of the transport: after every change (a start, stop, locate, tempo or
/// meter change, whoever made it: a surface, JACK's transport, the session) its position,
/// tempo, meter and `/status/transport`; while it rolls, its position ten times a second (a
/// tablet's counter needs no more). The OSC thread polls it (the transport tells nobody: it
/// lives on the audio thread) every 50 ms. OSC thread only.
class TransportFeed {
public:
    /// Position updates while rolling, and the poll for changes.
    static constexpr std::int64_t positionIntervalNs = 100'000'000;
    static constexpr std::int64_t pollIntervalNs = 50'000'000;

    explicit TransportFeed(const port::TransportPort& transport)
        : transport_(transport)
    {
    }

    /// [osc] What subscribers are owed at nowNs (nothing when nothing is due). The first poll
    /// sends nothing: it learns where the transport stands.
    std::vector<OscReply> poll(std::int64_t nowNs);
    /// [osc] When to poll next.
    std::int64_t nextPollNs() const noexcept { return nextPollNs_; }

private:
    const port::TransportPort& transport_;
    bool primed_ = false;
    std::uint64_t changes_ = 0;
    std::int64_t nextPositionNs_ = 0;
    std::int64_t nextPollNs_ = 0;
};

} // namespace backline::control
