// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC server's per-client addresses (subscriptions to feedback and meters, snapshots) and
// the requests that run off the OSC thread (reload, record start and stop).
#include "control/osc/OscServer.h"

#include "control/osc/OscArg.h"
#include "control/osc/Timetag.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <pthread.h>
#include <limits>

namespace backline::control {

namespace {

/// Reads optional numeric argument i into value; false (with an /error) when it is present
/// but not a number within [min, max].
bool optionalNumber(const OscInMessage& message, int i, double min, double max, const char* what, double& value,
    std::vector<OscReply>& replies)
{
    if (i >= message.argc)
        return true;
    const auto n = numberArg(message.types, message.argv, i);
    if (!n || !std::isfinite(*n) || *n < min || *n > max) {
        replies.push_back(errorReply(message.address,
            fmt::format("{} must be a number from {:g} to {:g}{}", what, min, max,
                n ? fmt::format(", got {:g}", *n) : fmt::format(", got {}", typeName(message.types[std::size_t(i)])))));
        return false;
    }
    value = *n;
    return true;
}

bool noArguments(const OscInMessage& message, std::vector<OscReply>& replies)
{
    if (message.argc == 0)
        return true;
    replies.push_back(errorReply(message.address, fmt::format("{} takes no arguments", message.address)));
    return false;
}

} // namespace

bool OscServer::handleSessionMessage(ClientState& client, const OscInMessage& message, std::vector<OscReply>& replies,
    std::int64_t nowNs)
{
    const std::string_view address = message.address;
    if (address == "/subscribe") {
        subscribe(client, message, replies, nowNs);
    } else if (address == "/unsubscribe") {
        if (noArguments(message, replies)) {
            client.feedback.active = false;
            replies.push_back({"/unsubscribed", {}});
        }
    } else if (address == "/snapshot") {
        if (!noArguments(message, replies))
            return true;
        if (!client.feedback.active)
            replies.push_back(errorReply(address, "subscribe first (/subscribe): the snapshot comes as feedback"));
        else
            client.feedback.sentVersion = std::numeric_limits<std::uint64_t>::max();
        snapshotsDue_ = snapshotsDue_ || client.feedback.active;
    } else if (address == "/meters/subscribe") {
        subscribeMeters(client, message, replies, nowNs);
    } else if (address == "/meters/unsubscribe") {
        if (noArguments(message, replies)) {
            client.meters.active = false;
            replies.push_back({"/meters/unsubscribed", {}});
        }
    } else if (address == "/meters/names") {
        if (noArguments(message, replies)) {
            meterStream_.update(control_.meters());
            replies.push_back(meterStream_.names());
        }
    } else if (address == "/status") {
        publishCounts(); // this very client counts; the dispatcher answers
        return false;
    } else {
        return false;
    }
    return true;
}

void OscServer::subscribe(ClientState& client, const OscInMessage& message, std::vector<OscReply>& replies,
    std::int64_t nowNs)
{
    double seconds = config::oscDefaultSubscribeSeconds;
    double rate = client.feedback.intervalNs > 0 ? 1e9 / double(client.feedback.intervalNs) : config::oscDefaultFeedbackHz;
    if (message.argc > 2) {
        replies.push_back(errorReply(message.address, "takes at most two numbers: seconds until expiry, packets per second"));
        return;
    }
    if (!optionalNumber(message, 0, config::oscMinSubscribeSeconds, config::oscMaxSubscribeSeconds,
            "the subscription's length in seconds", seconds, replies)
        || !optionalNumber(message, 1, config::oscMinFeedbackHz, config::oscMaxFeedbackHz,
            "the feedback rate in packets per second", rate, replies))
        return;
    // A client that has not been heard from again since its first packet may be a throwaway
    // port or a forged source: its first subscription is short, and only renewing once it is
    // established (as a surface that really listens does) gets the length asked for.
    if (!clients_.established(client))
        seconds = std::min(seconds, config::oscFirstSubscribeSeconds);
    auto& f = client.feedback;
    const bool renewal = f.active;
    f.active = true;
    f.untilNs = nowNs + std::int64_t(seconds * 1e9);
    f.intervalNs = std::int64_t(1e9 / rate);
    replies.push_back({"/subscribed", {float(seconds), float(rate)}});
    if (!renewal) {
        // New (or expired and back): the full state first, then changes.
        f.sentVersion = std::numeric_limits<std::uint64_t>::max();
        snapshotsDue_ = true;
        subscribedLog_.note(nowNs, fmt::format("{} ({:g} s, {:g} packets/s)", client.name, seconds, rate));
    }
}

void OscServer::subscribeMeters(ClientState& client, const OscInMessage& message, std::vector<OscReply>& replies,
    std::int64_t nowNs)
{
    if (message.argc < 1 || message.argc > 3) {
        replies.push_back(errorReply(message.address,
            "expects the rate in Hz, then optionally the format ('levels', 'single' or 'blob') and seconds until "
            "expiry"));
        return;
    }
    double rate = 0.0;
    double seconds = config::oscDefaultSubscribeSeconds;
    MeterFormat format = client.meters.active ? client.meters.format : MeterFormat::Levels;
    if (!optionalNumber(message, 0, config::oscMinMeterHz, config::oscMaxMeterHz, "the meter rate in Hz", rate, replies))
        return;
    int next = 1;
    if (message.argc > 1 && (message.types[1] == LO_STRING || message.types[1] == LO_SYMBOL)) {
        const std::string_view name = oscArgString(message.argv[1]);
        const auto parsed = MeterStream::parseFormat(name);
        if (!parsed) {
            replies.push_back(errorReply(message.address,
                fmt::format("unknown meter format '{}': use 'levels', 'single' or 'blob'", printableAddress(name))));
            return;
        }
        format = *parsed;
        next = 2;
    }
    if (message.argc > next + 1) {
        replies.push_back(errorReply(message.address, "too many arguments: rate [format] [seconds]"));
        return;
    }
    if (!optionalNumber(message, next, config::oscMinSubscribeSeconds, config::oscMaxSubscribeSeconds,
            "the subscription's length in seconds", seconds, replies))
        return;
    if (!clients_.established(client))
        seconds = std::min(seconds, config::oscFirstSubscribeSeconds); // as for /subscribe
    auto& m = client.meters;
    const std::int64_t interval = std::int64_t(1e9 / rate);
    if (!m.active || m.intervalNs != interval)
        m.nextNs = nowNs;
    if (!m.active || m.format != format)
        m.layoutSent = 0; // names go first
    m.active = true;
    m.format = format;
    m.intervalNs = interval;
    m.untilNs = nowNs + std::int64_t(seconds * 1e9);
    replies.push_back({"/meters/subscribed", {float(rate), std::string(MeterStream::formatName(format)), float(seconds)}});
}

bool OscServer::handleSlowMessage(ClientState& client, OscInMessage& message, std::vector<OscReply>& replies)
{
    static constexpr std::string_view slow[] = {"/session/reload", "/record/start", "/record/stop", "/record/sources"};
    if (std::find(std::begin(slow), std::end(slow), message.address) == std::end(slow))
        return false;
    // The message (and the arguments argv points into) moves into the job.
    auto job = std::make_shared<OscInMessage>(std::move(message));
    const bool queued = jobs_.submit(client.endpoint, [this, job] {
        std::vector<OscReply> out;
        dispatcher_.dispatch(job->address, job->types, job->argv, job->argc, out);
        return out;
    });
    if (!queued)
        replies.push_back(errorReply(job->address,
            fmt::format("{} requests that take a while are already waiting; try again in a moment", JobRunner::capacity)));
    return true;
}

} // namespace backline::control
