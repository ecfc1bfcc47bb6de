// SPDX-License-Identifier: GPL-3.0-or-later
// The per-client routes, on the OSC thread: subscriptions to feedback and meters, snapshots,
// the meter names.
#include "control/osc/OscSubscriptions.h"

#include "control/osc/OscArg.h"
#include "control/osc/OscDispatcher.h"
#include "control/osc/OscPacket.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace backline::control {

namespace {

/// Reads optional numeric argument i into value; false (with an /error) when it is present
/// but not a number within [min, max].
bool optionalNumber(const OscCall& call, int i, double min, double max, const char* what, double& value)
{
    if (i >= call.argc)
        return true;
    const auto n = numberArg(call.types, call.argv, i);
    if (!n || !std::isfinite(*n) || *n < min || *n > max) {
        call.out.push_back(errorReply(call.address,
            fmt::format("{} must be a number from {:g} to {:g}{}", what, min, max,
                n ? fmt::format(", got {:g}", *n) : fmt::format(", got {}", typeName(call.types[std::size_t(i)])))));
        return false;
    }
    value = *n;
    return true;
}

} // namespace

OscSubscriptions::OscSubscriptions(
    port::ControlPort& control, ClientTable& clients, PacketSink& sink, std::function<void()> wake)
    : control_(control)
    , clients_(clients)
    , sink_(sink)
    , wake_(std::move(wake))
    , log_(wake_, [this](const port::Notice& notice) { post(notice); })
    , transportFeed_(control.transport())
    , sceneFeed_(control.scenes())
    , arrangementFeed_(control.arrangement())
    , subscribedLog_(spdlog::level::info, std::chrono::nanoseconds(config::oscWarningInterval).count(),
          [](std::uint64_t n, const std::string& latest) {
              return n == 1 ? fmt::format("OSC client {} subscribed to feedback", latest)
                            : fmt::format("OSC: {} clients subscribed to feedback (latest {})", n, latest);
          })
{
}

void OscSubscriptions::subscribe(OscCall& call)
{
    ClientState& client = *call.client;
    double seconds = config::oscDefaultSubscribeSeconds;
    double rate = client.feedback.intervalNs > 0 ? 1e9 / double(client.feedback.intervalNs) : config::oscDefaultFeedbackHz;
    if (call.argc > 2) {
        call.out.push_back(errorReply(call.address, "takes at most two numbers: seconds until expiry, packets per second"));
        return;
    }
    if (!optionalNumber(call, 0, config::oscMinSubscribeSeconds, config::oscMaxSubscribeSeconds,
            "the subscription's length in seconds", seconds)
        || !optionalNumber(call, 1, config::oscMinFeedbackHz, config::oscMaxFeedbackHz,
            "the feedback rate in packets per second", rate))
        return;
    // A client that has not been heard from again since its first packet may be a throwaway
    // port or a forged source: its first subscription is short, and only renewing once it is
    // established (as a surface that really listens does) gets the length asked for.
    if (!clients_.established(client))
        seconds = std::min(seconds, config::oscFirstSubscribeSeconds);
    auto& f = client.feedback;
    const bool renewal = f.active;
    f.active = true;
    f.untilNs = call.nowNs + std::int64_t(seconds * 1e9);
    f.intervalNs = std::int64_t(1e9 / rate);
    call.out.push_back({"/subscribed", {float(seconds), float(rate)}});
    if (!renewal) {
        // New (or expired and back): the full state first, then changes.
        f.sentVersion = ClientState::Feedback::snapshotOwed;
        snapshotsDue_ = true;
        subscribedLog_.note(call.nowNs, fmt::format("{} ({:g} s, {:g} packets/s)", client.name, seconds, rate));
    }
}

void OscSubscriptions::unsubscribe(OscCall& call)
{
    call.client->feedback.active = false;
    call.out.push_back({"/unsubscribed", {}});
}

void OscSubscriptions::snapshot(OscCall& call)
{
    ClientState& client = *call.client;
    if (!client.feedback.active)
        call.out.push_back(errorReply(call.address, "subscribe first (/subscribe): the snapshot comes as feedback"));
    else
        client.feedback.sentVersion = ClientState::Feedback::snapshotOwed;
    snapshotsDue_ = snapshotsDue_ || client.feedback.active;
}

void OscSubscriptions::subscribeMeters(OscCall& call)
{
    ClientState& client = *call.client;
    if (call.argc < 1 || call.argc > 3) {
        call.out.push_back(errorReply(call.address,
            "expects the rate in Hz, then optionally the format ('levels', 'single' or 'blob') and seconds until "
            "expiry"));
        return;
    }
    double rate = 0.0;
    double seconds = config::oscDefaultSubscribeSeconds;
    MeterFormat format = client.meters.active ? client.meters.format : MeterFormat::Levels;
    if (!optionalNumber(call, 0, config::oscMinMeterHz, config::oscMaxMeterHz, "the meter rate in Hz", rate))
        return;
    int next = 1;
    if (call.argc > 1 && (call.types[1] == LO_STRING || call.types[1] == LO_SYMBOL)) {
        const std::string_view name = oscArgString(call.argv[1]);
        const auto parsed = MeterStream::parseFormat(name);
        if (!parsed) {
            call.out.push_back(errorReply(call.address,
                fmt::format("unknown meter format '{}': use 'levels', 'single' or 'blob'", printableAddress(name))));
            return;
        }
        format = *parsed;
        next = 2;
    }
    if (call.argc > next + 1) {
        call.out.push_back(errorReply(call.address, "too many arguments: rate [format] [seconds]"));
        return;
    }
    if (!optionalNumber(call, next, config::oscMinSubscribeSeconds, config::oscMaxSubscribeSeconds,
            "the subscription's length in seconds", seconds))
        return;
    if (!clients_.established(client))
        seconds = std::min(seconds, config::oscFirstSubscribeSeconds); // as for /subscribe
    auto& m = client.meters;
    const std::int64_t interval = std::int64_t(1e9 / rate);
    if (!m.active || m.intervalNs != interval)
        m.nextNs = call.nowNs;
    if (!m.active || m.format != format)
        m.layoutSent = 0; // names go first
    m.active = true;
    m.format = format;
    m.intervalNs = interval;
    m.untilNs = call.nowNs + std::int64_t(seconds * 1e9);
    call.out.push_back(
        {"/meters/subscribed", {float(rate), std::string(MeterStream::formatName(format)), float(seconds)}});
}

void OscSubscriptions::unsubscribeMeters(OscCall& call)
{
    call.client->meters.active = false;
    call.out.push_back({"/meters/unsubscribed", {}});
}

void OscSubscriptions::meterNames(OscCall& call)
{
    meterStream_.update(control_.meters());
    call.out.push_back(meterStream_.names());
}

} // namespace backline::control
