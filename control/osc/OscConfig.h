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
/// Parameters one client may listen to one by one (`/listen`).
inline constexpr std::size_t oscMaxListens = 1024;
inline constexpr double oscMinFeedbackHz = 1.0;
inline constexpr double oscMaxFeedbackHz = 200.0;
/// Meter stream rates a client may ask for.
inline constexpr double oscMinMeterHz = 1.0;
inline constexpr double oscMaxMeterHz = 100.0;

/// Messages per second one client may send (a token bucket refilled at this rate)…
inline constexpr double oscDefaultClientRate = 3000.0;
/// …and how many it may send at once after a pause.
inline constexpr double oscDefaultClientBurst = 3000.0;
/// Reply bytes (answers, feedback, meters) one client may be sent a second, a second's worth
/// at once: over UDP per client address (all its ports together, so a spoofed source cannot
/// turn the server into a flood against that address), over TCP per connection. Past it, an
/// answer to /state comes as a page (`/state/end` says where to go on) and other packets are
/// held back and counted. The session's `osc.reply_rate` sets another.
inline constexpr double oscDefaultReplyRate = 1'000'000.0;
/// Clients remembered at once (rate limit, subscriptions). When full, a new client always gets
/// in: the least valuable client makes room (see ClientTable).
inline constexpr std::size_t oscMaxClients = 1024;
/// Clients one address may have in the table (its ports, its TCP connections): a flood from
/// throwaway ports only ever pushes out that address's own newest clients.
inline constexpr std::size_t oscMaxClientsPerAddress = 64;
/// A client heard from again this long after its first packet is established: it is kept over
/// newcomers when the table is full, and its subscriptions last as long as it asks.
inline constexpr std::chrono::seconds oscClientEstablishedAfter {1};
/// Longest subscription (feedback or meters) granted to a client that is not established yet:
/// a one-shot `/subscribe f:3600` from a throwaway port (or a spoofed one) ends after this.
inline constexpr double oscFirstSubscribeSeconds = 10.0;
/// A client not heard from for this long, and not subscribed, is forgotten.
inline constexpr std::chrono::seconds oscClientIdleTimeout {120};
/// TCP connections open at once. When full, the address holding the most gives up its
/// longest-idle one to a newcomer from an address holding fewer; otherwise it is refused.
inline constexpr std::size_t oscMaxTcpConnections = 64;
/// TCP connections one address may hold open; more are accepted and closed at once.
inline constexpr std::size_t oscMaxTcpConnectionsPerAddress = 16;
/// A TCP connection that sends nothing for this long, and holds no live subscription, is
/// closed. The session's `osc.tcp_idle_timeout` sets another.
inline constexpr std::chrono::seconds oscDefaultTcpIdleTimeout {120};
/// Bytes waiting to go out on one TCP connection; a client that lets more pile up is
/// disconnected (a stalled tablet must not hold the server).
inline constexpr std::size_t oscTcpOutputLimit = 1 << 20;
/// Packets from WebSocket clients waiting for the OSC thread, in bytes; past it a packet is
/// dropped and counted (the web thread never waits for the OSC thread).
inline constexpr std::size_t oscWebInboxBytes = 4 << 20;
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
/// Notices (recorder events, DSP faults) waiting for the OSC thread at once; past it the oldest
/// is dropped, counted in /status/osc/notices_dropped and seen by subscribers as a gap.
inline constexpr std::size_t oscMaxPendingNotices = 256;
/// Repeated log lines (blocked clients, rate limits, refused connections and replies, new
/// subscribers) are written at most this often, with a count: the first one at once.
inline constexpr std::chrono::seconds oscWarningInterval {60};

} // namespace backline::config
