// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstddef>

/// The OSC server's limits, next to the daemon's (core/Config.h): every number a surface or an
/// attacker can push against is here.
namespace backline::config {

/// Largest packet accepted: a UDP datagram's limit; TCP frames above it close the connection.
inline constexpr std::size_t oscMaxPacketBytes = 65536;
/// Longest address a message may have; longer ones are answered /error (with the address cut).
inline constexpr std::size_t oscMaxAddressLength = 512;
/// Characters of a bad address echoed back in /error replies (no amplification).
inline constexpr std::size_t oscErrorAddressEcho = 128;
/// Bundles inside bundles: deeper packets are refused whole.
inline constexpr int oscMaxBundleDepth = 4;
/// Messages one packet may carry.
inline constexpr std::size_t oscMaxMessagesPerPacket = 1024;
/// Replies, feedback and meters are packed in bundles of at most this many bytes, so that one
/// packet fits one Ethernet or Wi-Fi frame and is never fragmented.
inline constexpr std::size_t oscReplyPacketBytes = 1200;

/// How long a /subscribe or /meters/subscribe lasts without renewal, by default and at most.
inline constexpr double oscDefaultSubscribeSeconds = 10.0;
inline constexpr double oscMinSubscribeSeconds = 1.0;
inline constexpr double oscMaxSubscribeSeconds = 3600.0;
/// Feedback packets per second a subscriber gets at most (its coalescing interval), by default
/// and within the range a client may ask for.
inline constexpr double oscDefaultFeedbackHz = 50.0;
inline constexpr double oscMinFeedbackHz = 1.0;
inline constexpr double oscMaxFeedbackHz = 200.0;
/// Meter stream rates a client may ask for.
inline constexpr double oscMinMeterHz = 1.0;
inline constexpr double oscMaxMeterHz = 100.0;

/// Messages per second one client may send (a token bucket refilled at this rate)…
inline constexpr double oscDefaultClientRate = 3000.0;
/// …and how many it may send at once after a pause.
inline constexpr double oscDefaultClientBurst = 3000.0;
/// Clients remembered at once (rate limit, subscriptions); idle unsubscribed ones go first.
inline constexpr std::size_t oscMaxClients = 1024;
/// A client not heard from for this long, and not subscribed, is forgotten.
inline constexpr std::chrono::seconds oscClientIdleTimeout {120};
/// TCP connections open at once; more are accepted and closed at once.
inline constexpr std::size_t oscMaxTcpConnections = 64;
/// Bytes waiting to go out on one TCP connection; a client that lets more pile up is
/// disconnected (a stalled tablet must not hold the server).
inline constexpr std::size_t oscTcpOutputLimit = 1 << 20;
/// Bytes read from one TCP connection per turn of the server loop (fairness between clients).
inline constexpr std::size_t oscTcpReadPerTurn = 64 * 1024;
/// UDP datagrams read per turn of the server loop before timers and TCP get their turn.
inline constexpr std::size_t oscUdpReadPerTurn = 256;
/// Kernel receive buffer asked for (capped by net.core.rmem_max): room for bursts.
inline constexpr int oscSocketBufferBytes = 4 << 20;

/// A bundle stamped further ahead than this is refused (the engine holds timed changes in a
/// small fixed table).
inline constexpr double oscMaxScheduleAheadSeconds = 60.0;
/// A timed bundle waits in the OSC server until this long before it is due, then goes to the
/// engine at the frame the engine's clock predicts then: the shorter the prediction, the less a
/// clock that runs fast or slow can throw it off.
inline constexpr double oscScheduleLeadSeconds = 0.05;
/// Timed bundles waiting at once; more are refused.
inline constexpr std::size_t oscMaxPendingBundles = 4096;
/// Repeated warnings (blocked clients, rate limits) are logged at most this often.
inline constexpr std::chrono::seconds oscWarningInterval {60};

} // namespace backline::config
