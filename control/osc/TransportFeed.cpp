// SPDX-License-Identifier: GPL-3.0-or-later
// The transport's messages and what subscribers are sent of it (see TransportFeed.h).
#include "control/osc/TransportFeed.h"

#include <algorithm>
#include <climits>

namespace backline::control {

namespace {

int clampInt(std::int64_t n) { return int(std::clamp<std::int64_t>(n, INT_MIN, INT_MAX)); }

} // namespace

OscReply transportPositionMessage(const port::TransportPosition& p)
{
    return OscReply {"/transport/position",
        {float(p.seconds), clampInt(p.bar), p.beat, float(p.tickFraction), float(p.bpm),
            std::string(port::toString(p.state))}};
}

OscReply transportTempoMessage(const port::TransportPosition& p)
{
    return OscReply {"/transport/tempo", {float(p.targetBpm)}};
}

OscReply transportMeterMessage(const port::TransportPosition& p)
{
    return OscReply {"/transport/meter", {p.meterNum, p.meterDen}};
}

std::vector<OscReply> TransportFeed::poll(std::int64_t nowNs)
{
    nextPollNs_ = nowNs + pollIntervalNs;
    const port::TransportPosition p = transport_.position();
    const bool changed = p.changes != changes_;
    const bool first = !primed_;
    primed_ = true;
    changes_ = p.changes;
    std::vector<OscReply> out;
    if (changed && !first) {
        out.push_back(transportPositionMessage(p));
        out.push_back(transportTempoMessage(p));
        out.push_back(transportMeterMessage(p));
        out.push_back(OscReply {"/status/transport", {std::string(port::toString(p.state))}});
        nextPositionNs_ = nowNs + positionIntervalNs;
    } else if (p.state == port::TransportState::Rolling && nowNs >= nextPositionNs_) {
        out.push_back(transportPositionMessage(p));
        nextPositionNs_ = nowNs + positionIntervalNs;
    }
    return out;
}

} // namespace backline::control
