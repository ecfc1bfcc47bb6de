// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/ClientTable.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace backline::control {

std::string Endpoint::str() const
{
    char host[INET6_ADDRSTRLEN] {};
    int port = 0;
    const char* proto = transport == Transport::Tcp ? "tcp" : "udp";
    if (address.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
        return fmt::format("{} {}:{}", proto, host, port);
    }
    if (address.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
        port = ntohs(in6->sin6_port);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            inet_ntop(AF_INET, reinterpret_cast<const std::uint8_t*>(&in6->sin6_addr) + 12, host, sizeof host);
            return fmt::format("{} {}:{}", proto, host, port);
        }
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        return fmt::format("{} [{}]:{}", proto, host, port);
    }
    return fmt::format("{} (address family {})", proto, int(address.ss_family));
}

bool Endpoint::operator==(const Endpoint& other) const
{
    return transport == other.transport && connection == other.connection && addressLength == other.addressLength
        && std::memcmp(&address, &other.address, addressLength) == 0;
}

std::size_t EndpointHash::operator()(const Endpoint& endpoint) const noexcept
{
    // FNV-1a over the bytes that identify the peer.
    std::size_t h = 1469598103934665603ULL ^ std::size_t(endpoint.transport) ^ (endpoint.connection << 1);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&endpoint.address);
    for (socklen_t i = 0; i < endpoint.addressLength; ++i)
        h = (h ^ bytes[i]) * 1099511628211ULL;
    return h;
}

bool RateLimit::take(double n, std::int64_t nowNs)
{
    if (lastNs_ != 0 && nowNs > lastNs_)
        tokens_ = std::min(burst_, tokens_ + double(nowNs - lastNs_) * 1e-9 * rate_);
    lastNs_ = nowNs;
    if (tokens_ < n)
        return false;
    tokens_ -= n;
    return true;
}

void RateLimit::setRate(double rate, double burst)
{
    rate_ = rate;
    burst_ = burst;
    tokens_ = std::min(tokens_, burst_);
}

void ClientTable::setRate(double rate, double burst)
{
    rate_ = rate;
    burst_ = burst;
    for (auto& [endpoint, client] : clients_)
        client.limit.setRate(rate, burst);
}

ClientState* ClientTable::find(const Endpoint& endpoint)
{
    auto it = clients_.find(endpoint);
    return it == clients_.end() ? nullptr : &it->second;
}

ClientState* ClientTable::touch(const Endpoint& endpoint, std::int64_t nowNs)
{
    auto it = clients_.find(endpoint);
    if (it == clients_.end()) {
        if (clients_.size() >= capacity_ && !evictOne())
            return nullptr;
        ClientState client {.endpoint = endpoint, .name = endpoint.str(), .limit = RateLimit(rate_, burst_), .feedback = {},
            .meters = {}};
        it = clients_.emplace(endpoint, std::move(client)).first;
    }
    it->second.lastSeenNs = nowNs;
    it->second.endpoint.local = endpoint.local; // the address it spoke to last is the one to answer from
    return &it->second;
}

bool ClientTable::evictOne()
{
    auto victim = clients_.end();
    for (auto it = clients_.begin(); it != clients_.end(); ++it) {
        if (it->second.feedback.active || it->second.meters.active)
            continue;
        if (victim == clients_.end() || it->second.lastSeenNs < victim->second.lastSeenNs)
            victim = it;
    }
    if (victim == clients_.end())
        return false;
    clients_.erase(victim);
    return true;
}

void ClientTable::forgetConnection(std::uint64_t connection)
{
    std::erase_if(clients_, [&](const auto& entry) { return entry.first.connection == connection; });
}

std::size_t ClientTable::expire(std::int64_t nowNs, std::int64_t idleNs)
{
    std::size_t ended = 0;
    for (auto it = clients_.begin(); it != clients_.end();) {
        auto& client = it->second;
        if (client.feedback.active && nowNs >= client.feedback.untilNs) {
            client.feedback.active = false;
            ++ended;
        }
        if (client.meters.active && nowNs >= client.meters.untilNs) {
            client.meters.active = false;
            ++ended;
        }
        const bool idle = !client.feedback.active && !client.meters.active && nowNs - client.lastSeenNs > idleNs;
        it = idle ? clients_.erase(it) : std::next(it);
    }
    return ended;
}

void ClientTable::forEach(const std::function<void(ClientState&)>& f)
{
    for (auto& [endpoint, client] : clients_)
        f(client);
}

std::size_t ClientTable::subscribers() const
{
    return std::size_t(std::count_if(clients_.begin(), clients_.end(), [](const auto& e) { return e.second.feedback.active; }));
}

std::size_t ClientTable::meterSubscribers() const
{
    return std::size_t(std::count_if(clients_.begin(), clients_.end(), [](const auto& e) { return e.second.meters.active; }));
}

} // namespace backline::control
