// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/OscConfig.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include <unordered_map>

namespace backline::control {

/// The transport a client talks over; replies and feedback go back the same way.
enum class Transport { Udp, Tcp, Web };

/// Where a client is: its socket address and, over TCP or a WebSocket, the connection it came in on.
struct Endpoint {
    Transport transport = Transport::Udp;
    sockaddr_storage address {};
    socklen_t addressLength = 0;
    std::uint64_t connection = 0; ///< TCP and Web: the connection's id (one numbering for both); UDP: 0
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

    /// "udp 192.168.1.20:9001", "tcp [::1]:40112", "ws [::1]:40112".
    std::string str() const;
    bool operator==(const Endpoint& other) const;
};

struct EndpointHash {
    std::size_t operator()(const Endpoint& endpoint) const noexcept;
};

/// A peer's IP address without its port: what per-address limits count by. IPv4 is kept in
/// its IPv4-mapped IPv6 form, as the dual-stack socket reports it, so both spellings agree.
struct PeerAddress {
    std::array<std::uint8_t, 16> bytes {};

    static PeerAddress of(const Endpoint& endpoint);
    /// "192.168.1.20", "::1".
    std::string str() const;
    bool operator==(const PeerAddress&) const = default;
};

struct PeerAddressHash {
    std::size_t operator()(const PeerAddress& address) const noexcept;
};

/// A token bucket (rate per second, burst at once): messages a client may send, reply bytes
/// it may be sent.
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
    /// The tokens there are at nowNs.
    double available(std::int64_t nowNs);
    /// Whether the bucket has been full since lastNs (nothing taken long enough).
    bool full(std::int64_t nowNs) const { return tokens_ + double(nowNs - lastNs_) * 1e-9 * rate_ >= burst_; }
    /// New rate and burst from now on (tokens beyond the new burst are let go).
    void setRate(double rate, double burst);
    double rate() const noexcept { return rate_; }

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
    std::int64_t firstSeenNs = 0;
    std::int64_t lastSeenNs = 0;
    std::uint64_t received = 0;
    std::uint64_t dropped = 0;
    std::int64_t lastLimitNoticeNs = 0;
    /// Whether it has given the PIN (`/auth`, or the web surface's cookie); asked only when
    /// the session sets `osc.require_pin`.
    bool authenticated = false;

    struct Feedback {
        /// sentVersion's value while the client is owed a whole snapshot.
        static constexpr std::uint64_t snapshotOwed = ~std::uint64_t(0);
        bool active = false;
        std::int64_t untilNs = 0;
        std::int64_t intervalNs = 0;
        std::int64_t lastSentNs = 0;
        std::uint64_t sentVersion = 0; ///< FeedbackLog version this client has been sent up to
        std::uint32_t sequence = 0;    ///< of the last feedback packet sent
        std::uint32_t noticeSequence = 0; ///< of the last notice sent, or lost before it was sent
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

    /// Parameters it listens to one by one (`/listen`, OSCQuery's LISTEN): over a connection
    /// only, for the connection's life, without a subscription's lease or snapshot.
    struct Listens {
        std::vector<std::string> addresses;
        std::uint64_t sentVersion = 0; ///< FeedbackLog version sent up to (Feedback::snapshotOwed: values owed)
        std::int64_t lastSentNs = 0;
    } listens;
};

/// How many clients the table holds, and when one counts as established.
struct ClientLimits {
    std::size_t capacity = config::oscMaxClients;
    std::size_t perAddress = config::oscMaxClientsPerAddress;
    std::int64_t establishedAfterNs = std::chrono::nanoseconds(config::oscClientEstablishedAfter).count();
};

/// The clients the server remembers, by endpoint, and what it keeps per address (how many
/// clients, the UDP reply budget). Bounded in total and per address, and a new client always
/// gets in: when there is no room, the least valuable client makes room — from the same
/// address when that address is at its share, else from the address holding the most — a
/// client heard from only once (a throwaway port, a spoofed source) before an established
/// one, an established one without a subscription before a subscriber, the longest idle
/// first. [osc]
class ClientTable {
public:
    ClientTable(ClientLimits limits, double rate, double burst, double replyRate);

    /// The client at endpoint, remembered from now on (nullptr only for a table of no room).
    /// evicted, when given, is set to the name of a client forgotten to make room.
    ClientState* touch(const Endpoint& endpoint, std::int64_t nowNs, std::string* evicted = nullptr);
    /// The client at endpoint, if known.
    ClientState* find(const Endpoint& endpoint);
    /// Whether client has been heard from again long enough after its first packet.
    bool established(const ClientState& client) const noexcept
    {
        return client.lastSeenNs - client.firstSeenNs >= limits_.establishedAfterNs;
    }
    /// Forgets every client of a closed TCP or WebSocket connection.
    void forgetConnection(std::uint64_t connection);
    /// Ends subscriptions past their time and forgets unsubscribed clients idle too long.
    /// Returns how many subscriptions ended.
    std::size_t expire(std::int64_t nowNs, std::int64_t idleNs);
    /// Calls f on every client.
    void forEach(const std::function<void(ClientState&)>& f);
    /// The rate limit of every client, known and new, from now on.
    void setRate(double rate, double burst);

    /// Takes bytes from the reply budget of endpoint's address; false (nothing taken) when it
    /// has not that many left this second. For UDP replies (a TCP connection has its own).
    bool takeReplyBytes(const Endpoint& endpoint, std::size_t bytes, std::int64_t nowNs);
    /// Reply bytes endpoint's address may still be sent now.
    double replyBytesAvailable(const Endpoint& endpoint, std::int64_t nowNs);
    /// Reply bytes per second (a second's worth at once) per address from now on.
    void setReplyRate(double rate);

    std::size_t size() const noexcept { return clients_.size(); }
    std::size_t subscribers() const;
    std::size_t meterSubscribers() const;
    /// Clients of address in the table.
    std::size_t clientsOf(const PeerAddress& address) const;
    /// Clients forgotten to make room so far.
    std::uint64_t evictions() const noexcept { return evictions_; }

private:
    struct Peer {
        std::size_t clients = 0;
        RateLimit replyBudget;
    };
    using Clients = std::unordered_map<Endpoint, ClientState, EndpointHash>;

    /// How much a client is worth keeping: 0 heard once, 1 established, 2 established and subscribed.
    int worth(const ClientState& client) const;
    /// The client to forget to make room (only address's when given); end() when none.
    Clients::iterator victim(const PeerAddress* address);
    Peer& peer(const PeerAddress& address);
    Clients::iterator erase(Clients::iterator it);

    ClientLimits limits_;
    double rate_;
    double burst_;
    double replyRate_;
    Clients clients_;
    std::unordered_map<PeerAddress, Peer, PeerAddressHash> peers_;
    std::uint64_t evictions_ = 0;
};

} // namespace backline::control
