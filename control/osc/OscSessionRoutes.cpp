// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC server's per-client addresses: subscriptions to feedback and meters, snapshots,
// and the session reload that runs off the OSC thread.
#include "control/osc/OscServer.h"

#include "control/osc/Timetag.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
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
            meterStream_.update(target_.meters());
            replies.push_back(meterStream_.names());
        }
    } else if (address == "/session/reload") {
        if (noArguments(message, replies))
            startReload(client, replies);
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
        spdlog::info("OSC client {} subscribed to feedback ({:g} s, {:g} packets/s)", client.name, seconds, rate);
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
        const std::string_view name = &message.argv[1]->s;
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

void OscServer::startReload(ClientState& client, std::vector<OscReply>& replies)
{
    if (reloadRunning_) {
        replies.push_back(errorReply("/session/reload", "a reload is already running; its result comes to whoever asked"));
        return;
    }
    reloadRunning_ = true;
    reloadClient_ = client.endpoint;
    reloadError_.reset();
    reloadThread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "backline-reload");
        // No exception may leave this thread.
        try {
            if (auto r = target_.reloadSession(); !r)
                reloadError_ = r.error().message;
        } catch (const std::exception& e) {
            reloadError_ = fmt::format("internal error: {}", e.what());
        }
        reloadDone_.store(true, std::memory_order_release); // publishes reloadError_ to the OSC thread's acquire
        wake();
    });
}

} // namespace backline::control
