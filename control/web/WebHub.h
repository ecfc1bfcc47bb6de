// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ClientTable.h"
#include "control/osc/OscServer.h"
#include "control/web/SessionTokens.h"
#include "control/web/StaticFiles.h"
#include "control/web/WebServer.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

/// Internal to control/web: what every connection of the web server shares.
namespace backline::control {

class WebSocketSession;

/// The web server's state that its connections share: options, files, PIN tokens, the
/// connections open per address, the WebSockets by OSC connection id, the counters. [web]
/// but for what says [any].
class WebHub {
public:
    WebHub(WebServerOptions options, OscServer& osc);

    const WebServerOptions& options() const noexcept { return options_; }
    OscServer& osc() noexcept { return osc_; }
    const StaticFiles& files() const noexcept { return files_; }

    /// [any] Whether peer may connect (the OSC access list).
    bool allows(const sockaddr* peer) const;
    /// [any] Replaces the access list.
    void setAccess(AccessList access);
    /// [any] Replaces the hook; the web thread asks the one it got last.
    void setHook(HttpHook hook);
    /// The hook (a copy: a reload may replace it meanwhile).
    HttpHook hook() const;

    /// Whether a PIN is set.
    bool pinActive() const { return options_.pin && options_.pin->active(); }
    /// Whether a Cookie header carries a valid PIN token (always true without a PIN).
    bool cookieValid(std::string_view cookieHeader);
    /// A new PIN token, for the Set-Cookie header.
    std::string issueToken();

    /// Counts a new connection from address; false (not counted) when over the limits.
    bool admit(const PeerAddress& address);
    /// Uncounts a connection admitted before.
    void release(const PeerAddress& address);

    /// WebSockets by their OSC connection id, for the packets the OSC thread sends back.
    std::unordered_map<std::uint64_t, std::weak_ptr<WebSocketSession>> sockets;

    // Counters ([any] to read).
    std::atomic<std::size_t> connections {0};
    std::atomic<std::size_t> webSockets {0};
    std::atomic<std::uint64_t> refused {0};
    std::atomic<std::uint64_t> forbidden {0};
    std::atomic<std::uint64_t> pinRefused {0};
    std::atomic<std::uint64_t> badRequests {0};
    std::atomic<std::uint64_t> badMessages {0};
    std::atomic<std::uint64_t> slowClosed {0};
    std::atomic<std::uint64_t> droppedPackets {0};

private:
    /// Forgets the tokens when the PIN changed since they were issued.
    void followPin();

    WebServerOptions options_;
    OscServer& osc_;
    StaticFiles files_;
    SessionTokens tokens_;
    std::uint64_t tokensGeneration_ = 0;
    mutable std::mutex mutex_; // guards options_.access and options_.hook (set from other threads)
    std::unordered_map<PeerAddress, std::size_t, PeerAddressHash> perAddress_;
    std::size_t open_ = 0;
};

/// A connection counted by WebHub::admit, uncounted when the last owner lets it go. [web]
class ConnectionTicket {
public:
    ConnectionTicket(WebHub& hub, PeerAddress address)
        : hub_(&hub)
        , address_(address)
    {
    }
    ~ConnectionTicket()
    {
        if (hub_)
            hub_->release(address_);
    }
    ConnectionTicket(ConnectionTicket&& other) noexcept
        : hub_(std::exchange(other.hub_, nullptr))
        , address_(other.address_)
    {
    }
    ConnectionTicket& operator=(ConnectionTicket&&) = delete;
    ConnectionTicket(const ConnectionTicket&) = delete;
    ConnectionTicket& operator=(const ConnectionTicket&) = delete;

private:
    WebHub* hub_;
    PeerAddress address_;
};

/// A peer's socket address, as the OSC server's endpoints hold it.
struct PeerSocket {
    sockaddr_storage address {};
    socklen_t length = 0;
    PeerAddress peer() const
    {
        Endpoint e;
        e.address = address;
        e.addressLength = length;
        return PeerAddress::of(e);
    }
};

} // namespace backline::control
