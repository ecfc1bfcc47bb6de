// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC server's admission and bounds, all on its own thread: TCP connections (at most 16
// per address and 64 in all, made room for fairly, closed when idle), the reply budget, the
// limits a reload changes, and the log lines a flood would otherwise repeat by the thousand.
#include "control/osc/OscServer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <unordered_map>

namespace backline::control {

namespace {

constexpr std::int64_t nsPerSecond = 1000000000LL;

std::int64_t toNs(std::chrono::nanoseconds d) { return d.count(); }

} // namespace

void OscServer::acceptTcp()
{
    for (;;) {
        Endpoint from;
        Socket socket = tcp_.accept(from);
        if (socket.fd() < 0)
            return;
        const std::int64_t now = monotonicNowNs();
        if (!options_.access.allows(reinterpret_cast<const sockaddr*>(&from.address))) {
            noteBlocked(from, now);
            continue; // closed by Socket's destructor
        }
        if (!admitTcp(from, now)) {
            refusedConnections_.fetch_add(1, std::memory_order_relaxed); // a statistic
            refusedTcpLog_.note(now, from.str());
            continue;
        }
        from.connection = nextConnectionId_.fetch_add(1, std::memory_order_relaxed); // a unique number, nothing more
        TcpConnection connection;
        connection.socket = std::move(socket);
        connection.id = from.connection;
        connection.endpoint = from;
        connection.lastHeardNs = now;
        connection.replyBudget = RateLimit(options_.replyRate, options_.replyRate);
        connectedLog_.note(now, from.str());
        connections_.emplace(connection.id, std::move(connection));
    }
}

bool OscServer::admitTcp(const Endpoint& endpoint, std::int64_t nowNs)
{
    std::unordered_map<PeerAddress, std::size_t, PeerAddressHash> held;
    std::size_t open = 0;
    for (const auto& [id, c] : connections_)
        if (!c.closing) {
            ++held[PeerAddress::of(c.endpoint)];
            ++open;
        }
    const std::size_t mine = held[PeerAddress::of(endpoint)];
    if (mine >= options_.maxTcpConnectionsPerAddress)
        return false;
    if (open < options_.maxTcpConnections)
        return true;
    // Full: the address holding the most gives up one connection, if it would still hold at
    // least as many as this one's address then. No address can keep others out by holding
    // every slot, and two addresses do not take slots back and forth.
    const auto top
        = std::max_element(held.begin(), held.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    if (top == held.end() || top->second <= mine + 1)
        return false;
    // Its longest-silent connection; one with a live subscription only when it has no other.
    auto victim = connections_.end();
    bool victimSubscribed = true;
    for (auto it = connections_.begin(); it != connections_.end(); ++it) {
        if (it->second.closing || !(PeerAddress::of(it->second.endpoint) == top->first))
            continue;
        const ClientState* client = clients_.find(it->second.endpoint);
        const bool subscribed = client && (client->feedback.active || client->meters.active);
        if (victim == connections_.end() || (victimSubscribed && !subscribed)
            || (subscribed == victimSubscribed && it->second.lastHeardNs < victim->second.lastHeardNs)) {
            victim = it;
            victimSubscribed = subscribed;
        }
    }
    if (victim == connections_.end())
        return false;
    evicted_.fetch_add(1, std::memory_order_relaxed); // a statistic
    evictedLog_.note(nowNs, fmt::format("{} (TCP, for {})", victim->second.endpoint.str(), endpoint.str()));
    connectionClosed(victim->first);
    connections_.erase(victim); // closes it
    return true;
}

void OscServer::closeIdleTcp(std::int64_t nowNs)
{
    const std::int64_t idleNs = toNs(options_.tcpIdleTimeout);
    for (auto& [id, connection] : connections_) {
        if (connection.closing || nowNs - connection.lastHeardNs < idleNs)
            continue;
        // A subscriber may listen without talking for as long as its subscription lasts.
        const ClientState* client = clients_.find(connection.endpoint);
        if (client && (client->feedback.active || client->meters.active))
            continue;
        connection.closing = true;
        idleTcpLog_.note(nowNs, connection.endpoint.str());
    }
}

double OscServer::replyBytesAvailable(const Endpoint& endpoint, std::int64_t nowNs)
{
    if (endpoint.transport == Transport::Udp)
        return clients_.replyBytesAvailable(endpoint, nowNs);
    if (endpoint.transport == Transport::Web) {
        auto web = webConnections_.find(endpoint.connection);
        return web == webConnections_.end() ? 0.0 : web->second.replyBudget.available(nowNs);
    }
    auto it = connections_.find(endpoint.connection);
    return it == connections_.end() ? 0.0 : it->second.replyBudget.available(nowNs);
}

void OscServer::noteBlocked(const Endpoint& endpoint, std::int64_t nowNs)
{
    blocked_.fetch_add(1, std::memory_order_relaxed); // a statistic
    blockedLog_.note(nowNs, endpoint.str());
}

void OscServer::noteRefusedBytes(const Endpoint& to, std::size_t bytes, std::int64_t nowNs)
{
    refusedBytes_.fetch_add(bytes, std::memory_order_relaxed); // a statistic
    refusedBytesLog_.note(nowNs, to.str(), bytes);
}

void OscServer::noteLimited(ClientState& client, std::uint64_t messages, std::int64_t nowNs)
{
    client.dropped += messages;
    dropped_.fetch_add(messages, std::memory_order_relaxed); // a statistic
    // Tell the client, at most once a second, so a runaway script's author finds out.
    if (nowNs - client.lastLimitNoticeNs >= nsPerSecond) {
        client.lastLimitNoticeNs = nowNs;
        sendReplies(client.endpoint,
            {errorReply("#rate-limit",
                fmt::format("more than {:g} messages a second (bursts of {:g}) from {}: {} dropped so far",
                    options_.clientRate, options_.clientBurst, client.name, client.dropped))});
    }
    limitLog_.note(nowNs, client.name, messages);
}

std::array<LogThrottle*, 8> OscServer::logs()
{
    return {&blockedLog_, &limitLog_, &refusedBytesLog_, &refusedTcpLog_, &idleTcpLog_, &evictedLog_, &connectedLog_,
        &disconnectedLog_};
}

void OscServer::logWarnings(std::int64_t nowNs)
{
    for (LogThrottle* l : logs())
        l->poll(nowNs);
    subscriptions_.pollLog(nowNs);
}

void OscServer::flushLogs()
{
    for (LogThrottle* l : logs())
        l->flush();
    subscriptions_.flushLog();
}

void OscServer::applyLimits(const OscLimits& limits)
{
    if (limits.clientRate != options_.clientRate) {
        options_.clientRate = options_.clientBurst = limits.clientRate;
        clients_.setRate(options_.clientRate, options_.clientBurst);
        spdlog::info("OSC clients may send {:g} messages a second each", options_.clientRate);
    }
    if (limits.replyRate != options_.replyRate) {
        options_.replyRate = limits.replyRate;
        clients_.setReplyRate(limits.replyRate);
        for (auto& [id, connection] : connections_)
            connection.replyBudget.setRate(limits.replyRate, limits.replyRate);
        for (auto& [id, connection] : webConnections_)
            connection.replyBudget.setRate(limits.replyRate, limits.replyRate);
        spdlog::info("OSC clients may be sent {:g} reply bytes a second each", options_.replyRate);
    }
    if (limits.tcpIdleTimeout != options_.tcpIdleTimeout) {
        options_.tcpIdleTimeout = limits.tcpIdleTimeout;
        spdlog::info("OSC closes TCP connections that send nothing for {:g} s",
            std::chrono::duration<double>(options_.tcpIdleTimeout).count());
    }
}

} // namespace backline::control
