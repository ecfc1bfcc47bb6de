// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/ClientTable.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <iterator>

namespace backline::control {

std::string Endpoint::str() const
{
    char host[INET6_ADDRSTRLEN] {};
    int port = 0;
    const char* proto = transport == Transport::Tcp ? "tcp" : transport == Transport::Web ? "ws" : "udp";
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

PeerAddress PeerAddress::of(const Endpoint& endpoint)
{
    PeerAddress peer;
    if (endpoint.address.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&endpoint.address);
        std::memcpy(peer.bytes.data(), &in6->sin6_addr, 16);
    } else if (endpoint.address.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&endpoint.address);
        peer.bytes[10] = peer.bytes[11] = 0xff; // ::ffff:a.b.c.d
        std::memcpy(peer.bytes.data() + 12, &in->sin_addr, 4);
    }
    return peer;
}

std::string PeerAddress::str() const
{
    char host[INET6_ADDRSTRLEN] {};
    in6_addr address;
    std::memcpy(&address, bytes.data(), 16);
    if (IN6_IS_ADDR_V4MAPPED(&address))
        inet_ntop(AF_INET, bytes.data() + 12, host, sizeof host);
    else
        inet_ntop(AF_INET6, &address, host, sizeof host);
    return host;
}

std::size_t PeerAddressHash::operator()(const PeerAddress& address) const noexcept
{
    std::size_t h = 1469598103934665603ULL;
    for (const std::uint8_t b : address.bytes)
        h = (h ^ b) * 1099511628211ULL;
    return h;
}

bool RateLimit::take(double n, std::int64_t nowNs)
{
    if (available(nowNs) < n)
        return false;
    tokens_ -= n;
    return true;
}

double RateLimit::available(std::int64_t nowNs)
{
    if (lastNs_ != 0 && nowNs > lastNs_)
        tokens_ = std::min(burst_, tokens_ + double(nowNs - lastNs_) * 1e-9 * rate_);
    lastNs_ = std::max(lastNs_, nowNs);
    return tokens_;
}

void RateLimit::setRate(double rate, double burst)
{
    rate_ = rate;
    burst_ = burst;
    tokens_ = std::min(tokens_, burst_);
}

ClientTable::ClientTable(ClientLimits limits, double rate, double burst, double replyRate)
    : limits_(limits)
    , rate_(rate)
    , burst_(burst)
    , replyRate_(replyRate)
{
}

void ClientTable::setRate(double rate, double burst)
{
    rate_ = rate;
    burst_ = burst;
    for (auto& [endpoint, client] : clients_)
        client.limit.setRate(rate, burst);
}

void ClientTable::setReplyRate(double rate)
{
    replyRate_ = rate;
    for (auto& [address, peer] : peers_)
        peer.replyBudget.setRate(rate, rate);
}

ClientState* ClientTable::find(const Endpoint& endpoint)
{
    auto it = clients_.find(endpoint);
    return it == clients_.end() ? nullptr : &it->second;
}

ClientState* ClientTable::touch(const Endpoint& endpoint, std::int64_t nowNs, std::string* evicted)
{
    auto it = clients_.find(endpoint);
    if (it == clients_.end()) {
        const PeerAddress address = PeerAddress::of(endpoint);
        // The address's own share first: a flood from its throwaway ports pushes out only its
        // own clients. Then the whole table.
        for (const PeerAddress* within : {&address, static_cast<const PeerAddress*>(nullptr)}) {
            const bool full = within ? clientsOf(address) >= limits_.perAddress : clients_.size() >= limits_.capacity;
            if (!full)
                continue;
            auto out = victim(within);
            if (out == clients_.end())
                return nullptr;
            if (evicted)
                *evicted = out->second.name;
            ++evictions_;
            erase(out);
        }
        ClientState client {.endpoint = endpoint, .name = endpoint.str(), .limit = RateLimit(rate_, burst_),
            .firstSeenNs = nowNs, .feedback = {}, .meters = {}, .listens = {}};
        it = clients_.emplace(endpoint, std::move(client)).first;
        ++peer(address).clients;
    }
    it->second.lastSeenNs = nowNs;
    it->second.endpoint.local = endpoint.local; // the address it spoke to last is the one to answer from
    return &it->second;
}

int ClientTable::worth(const ClientState& client) const
{
    if (!established(client))
        return 0;
    return client.feedback.active || client.meters.active ? 2 : 1;
}

ClientTable::Clients::iterator ClientTable::victim(const PeerAddress* address)
{
    // Least worth first; among equals, the address holding the most clients; then the longest idle.
    auto best = clients_.end();
    int bestWorth = 0;
    std::size_t bestHeld = 0;
    for (auto it = clients_.begin(); it != clients_.end(); ++it) {
        const PeerAddress of = PeerAddress::of(it->first);
        if (address && !(of == *address))
            continue;
        const int w = worth(it->second);
        const std::size_t held = address ? 0 : clientsOf(of);
        const bool better = best == clients_.end() || w < bestWorth
            || (w == bestWorth
                && (held > bestHeld || (held == bestHeld && it->second.lastSeenNs < best->second.lastSeenNs)));
        if (better) {
            best = it;
            bestWorth = w;
            bestHeld = held;
        }
    }
    return best;
}

ClientTable::Peer& ClientTable::peer(const PeerAddress& address)
{
    auto it = peers_.find(address);
    if (it == peers_.end()) {
        // Addresses without clients are kept until their reply budget is full again (so a
        // budget cannot be reset by being forgotten); a spoofer cycling through addresses must
        // not grow the map without bound, so past twice the table's size those go at once.
        if (peers_.size() >= 2 * limits_.capacity)
            std::erase_if(peers_, [](const auto& entry) { return entry.second.clients == 0; });
        it = peers_.emplace(address, Peer {.clients = 0, .replyBudget = RateLimit(replyRate_, replyRate_)}).first;
    }
    return it->second;
}

ClientTable::Clients::iterator ClientTable::erase(Clients::iterator it)
{
    if (auto p = peers_.find(PeerAddress::of(it->first)); p != peers_.end() && p->second.clients > 0)
        --p->second.clients;
    return clients_.erase(it);
}

std::size_t ClientTable::clientsOf(const PeerAddress& address) const
{
    auto it = peers_.find(address);
    return it == peers_.end() ? 0 : it->second.clients;
}

bool ClientTable::takeReplyBytes(const Endpoint& endpoint, std::size_t bytes, std::int64_t nowNs)
{
    return peer(PeerAddress::of(endpoint)).replyBudget.take(double(bytes), nowNs);
}

double ClientTable::replyBytesAvailable(const Endpoint& endpoint, std::int64_t nowNs)
{
    return peer(PeerAddress::of(endpoint)).replyBudget.available(nowNs);
}

void ClientTable::forgetConnection(std::uint64_t connection)
{
    for (auto it = clients_.begin(); it != clients_.end();)
        it = it->first.connection == connection ? erase(it) : std::next(it);
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
        it = idle ? erase(it) : std::next(it);
    }
    std::erase_if(peers_,
        [&](auto& entry) { return entry.second.clients == 0 && entry.second.replyBudget.full(nowNs); });
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
