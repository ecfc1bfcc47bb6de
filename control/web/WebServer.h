// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/AccessList.h"
#include "control/osc/PinGate.h"
#include "control/web/HttpTypes.h"
#include "control/web/WebConfig.h"
#include "core/Result.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

namespace backline::control {

class OscServer;

/// How the web server is set up.
struct WebServerOptions {
    int port = 8080;                              ///< TCP port (0: any free port)
    std::optional<std::filesystem::path> root;    ///< the page's files (`--web-root`); none: those built in
    AccessList access = AccessList::defaults();   ///< who may connect (the OSC server's list)
    std::shared_ptr<PinGate> pin;                 ///< the PIN (shared with the OSC server); none: no PIN
    HttpHook hook;                                ///< asked before the static files (OSCQuery)
    std::size_t maxConnections = config::webMaxConnections;
    std::size_t maxConnectionsPerAddress = config::webMaxConnectionsPerAddress;
    std::chrono::milliseconds requestTimeout = config::webRequestTimeout;
    std::size_t outputLimit = config::webOutputLimit; ///< bytes waiting on one WebSocket before it is closed
};

/// What the web server has done, for /status and tests.
struct WebCounters {
    std::size_t connections = 0;     ///< open: HTTP and WebSocket
    std::size_t webSockets = 0;      ///< open WebSockets on /osc
    std::uint64_t refused = 0;       ///< connections closed at once: too many (from one address or in all)
    std::uint64_t forbidden = 0;     ///< requests answered 403 (outside the access list)
    std::uint64_t pinRefused = 0;    ///< requests answered 401 or 429 (no PIN cookie, wrong PIN)
    std::uint64_t badRequests = 0;   ///< answered 400, 405, 413 or 431
    std::uint64_t badMessages = 0;   ///< WebSockets closed for a text or oversized message
    std::uint64_t slowClosed = 0;    ///< WebSockets closed for not reading what they are sent
    std::uint64_t droppedPackets = 0; ///< packets the OSC thread had no room for
};

/// The web surface's server: HTTP for the page's files and a WebSocket at `/osc` that carries
/// OSC packets (one binary message each way per packet) to and from the OSC server, whose
/// client each WebSocket is. One thread of its own ("backline-web", Boost.Asio), never the
/// audio thread. Who may connect: the OSC access list (403 otherwise), at most so many
/// connections, and with a PIN, a browser that gave it (a cookie; the server's own PIN form
/// otherwise). Its parts: the listener and the bridge to the OSC thread (WebServer.cpp),
/// one HTTP connection (HttpSession.cpp), one WebSocket (WebSocketSession.cpp).
class WebServer {
public:
    /// [control] Listens on options.port and starts the thread; the error names the port when it is taken.
    static Result<std::unique_ptr<WebServer>> start(WebServerOptions options, OscServer& osc);
    /// [control] Closes every connection and stops the thread (before the OSC server goes).
    ~WebServer();
    WebServer(const WebServer&) = delete;
    WebServer& operator=(const WebServer&) = delete;

    /// The port bound.
    int port() const noexcept;
    /// [any] Replaces the access list (a reload changed `osc.allow`); open connections keep going.
    void setAccess(AccessList access);
    /// [any] Replaces the hook.
    void setHook(HttpHook hook);
    /// [any] The counters.
    WebCounters counters() const;

    struct Impl;

private:
    explicit WebServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace backline::control
