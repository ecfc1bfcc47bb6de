// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

namespace backline::control {

/// The transport a client talks over; replies and feedback go back the same way.
enum class Transport { Udp, Tcp };

/// Where a client is: its socket address and, over TCP, the connection it came in on.
struct Endpoint {
    Transport transport = Transport::Udp;
    sockaddr_storage address {};
    socklen_t addressLength = 0;
    std::uint64_t connection = 0; ///< TCP: the connection's id; UDP: 0
    /// UDP: the address of ours the client's datagrams arrive at. Replies leave from it, so a
    /// client of a host with several addresses (wired and Wi-Fi on stage) hears the address it
    /// spoke to; many OSC apps drop anything else. Not part of the identity: family 0 when
    /// unknown (the kernel then picks by route).
    struct Local {
        sa_family_t family = 0;
        in_addr v4 {};
        in6_addr v6 {};
        unsigned interface = 0;
    } local;

    /// "udp 192.168.1.20:9001", "tcp [::1]:40112".
    std::string str() const;
    bool operator==(const Endpoint& other) const;
};

struct EndpointHash {
    std::size_t operator()(const Endpoint& endpoint) const noexcept;
};

/// Messages a client may send: a token bucket (rate per second, burst at once).
class RateLimit {
public:
    RateLimit(double rate, double burst)
        : rate_(rate)
        , burst_(burst)
        , tokens_(burst)
    {
    }
    /// Takes n tokens at nowNs; false (nothing taken) when there are not enough.
    bool take(double n, std::int64_t nowNs);
    /// New rate and burst from now on (tokens beyond the new burst are let go).
    void setRate(double rate, double burst);

private:
    double rate_;
    double burst_;
    double tokens_;
    std::int64_t lastNs_ = 0;
};

/// What /meters/subscribe asked for.
enum class MeterFormat {
    Levels, ///< `/meters/<name> f:peakL f:peakR f:rmsL f:rmsR` and `/meters/loudness f×5`
    Single, ///< one value per address: `/meters/<name>/peak`, `/meters/<name>/rms`, `/meters/loudness/<what>`
    Blob,   ///< `/meters/blob b:` in the layout control/OSC.md describes
};

/// One client the server has heard from, with its subscriptions. [osc]
struct ClientState {
    Endpoint endpoint;
    std::string name;
    RateLimit limit;
    std::int64_t lastSeenNs = 0;
    std::uint64_t received = 0;
    std::uint64_t dropped = 0;
    std::int64_t lastLimitNoticeNs = 0;

    struct Feedback {
        bool active = false;
        std::int64_t untilNs = 0;
        std::int64_t intervalNs = 0;
        std::int64_t lastSentNs = 0;
        std::uint64_t sentVersion = 0; ///< FeedbackLog version this client has been sent up to
        std::uint32_t sequence = 0;    ///< of the last feedback packet sent
    } feedback;

    struct Meters {
        bool active = false;
        std::int64_t untilNs = 0;
        std::int64_t intervalNs = 0;
        std::int64_t nextNs = 0;
        MeterFormat format = MeterFormat::Levels;
        std::uint32_t sequence = 0;
        std::uint64_t layoutSent = 0; ///< meter layout (names) this client has been sent
    } meters;
};

/// The clients the server remembers, by endpoint. Bounded: when full, the client idle the
/// longest without a subscription is forgotten first. [osc]
class ClientTable {
public:
    ClientTable(std::size_t capacity, double rate, double burst)
        : capacity_(capacity)
        , rate_(rate)
        , burst_(burst)
    {
    }

    /// The client at endpoint, remembered from now on; nullptr when the table is full of
    /// subscribers.
    ClientState* touch(const Endpoint& endpoint, std::int64_t nowNs);
    /// The client at endpoint, if known.
    ClientState* find(const Endpoint& endpoint);
    /// Forgets every client of a closed TCP connection.
    void forgetConnection(std::uint64_t connection);
    /// Ends subscriptions past their time and forgets unsubscribed clients idle too long.
    /// Returns how many subscriptions ended.
    std::size_t expire(std::int64_t nowNs, std::int64_t idleNs);
    /// Calls f on every client.
    void forEach(const std::function<void(ClientState&)>& f);
    /// The rate limit of every client, known and new, from now on.
    void setRate(double rate, double burst);

    std::size_t size() const noexcept { return clients_.size(); }
    std::size_t subscribers() const;
    std::size_t meterSubscribers() const;

private:
    bool evictOne();

    std::size_t capacity_;
    double rate_;
    double burst_;
    std::unordered_map<Endpoint, ClientState, EndpointHash> clients_;
};

} // namespace backline::control
