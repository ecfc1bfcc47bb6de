// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/OscConfig.h"

#include <chrono>
#include <cstddef>

/// The web surface's limits (control/web): every number a browser or an attacker can push
/// against is here, next to the OSC server's (control/osc/OscConfig.h).
namespace backline::config {

/// Bytes of a request's line and headers; more is answered 431 and the connection closed.
inline constexpr std::size_t webMaxHeaderBytes = 8 * 1024;
/// Bytes of a request's body (only the PIN form and the hook take one); more is answered 413.
inline constexpr std::size_t webMaxBodyBytes = 16 * 1024;
/// A request must arrive whole this long after the connection opened or the last answer was
/// sent (idle keep-alive and slow senders alike), and an answer must be taken as fast.
inline constexpr std::chrono::seconds webRequestTimeout {15};
/// Connections open at once (HTTP and WebSocket), in all and from one address; more are closed
/// as soon as they are accepted. A tablet's browser opens about six, and one WebSocket per tab.
inline constexpr std::size_t webMaxConnections = 128;
inline constexpr std::size_t webMaxConnectionsPerAddress = 32;
/// Bytes waiting to go out on one WebSocket; a browser that lets more pile up is closed, as a
/// stuck TCP client is (a tablet asleep must not hold the server).
inline constexpr std::size_t webOutputLimit = oscTcpOutputLimit;
/// A WebSocket that must finish its opening handshake this fast…
inline constexpr std::chrono::seconds webSocketHandshakeTimeout {10};
/// …and that is closed after this long without a sign of life (it is pinged half-way).
inline constexpr std::chrono::seconds webSocketIdleTimeout {60};
/// PIN cookies (session tokens) remembered; the oldest is forgotten past it.
inline constexpr std::size_t webMaxTokens = 1024;
/// How long a browser keeps the PIN cookie: browsers keep one at most 400 days.
inline constexpr std::chrono::seconds webTokenMaxAge {400LL * 24 * 3600};
/// Largest file served from --web-root.
inline constexpr std::size_t webMaxFileBytes = 32 << 20;

} // namespace backline::config
