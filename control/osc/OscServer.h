// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/AccessList.h"
#include "control/osc/BundleScheduler.h"
#include "control/osc/ClientTable.h"
#include "control/osc/FeedbackLog.h"
#include "control/osc/JobRunner.h"
#include "control/osc/LogThrottle.h"
#include "control/osc/MeterStream.h"
#include "control/osc/OscConfig.h"
#include "control/osc/OscDispatcher.h"
#include "control/osc/OscPacket.h"
#include "control/osc/OscSockets.h"
#include "control/osc/Timetag.h"
#include "core/Config.h"
#include "core/Result.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace backline::control {

/// How the OSC server is set up.
struct OscServerOptions {
    int port = config::defaultOscPort;             ///< UDP and TCP port (0: any free port, the same for both)
    AccessList access = AccessList::defaults();    ///< who may talk to it
    double clientRate = config::oscDefaultClientRate;   ///< messages per second per client
    double clientBurst = config::oscDefaultClientBurst; ///< messages at once per client
    /// Reply bytes per second (a second's worth at once) per client address (UDP) or connection (TCP).
    double replyRate = config::oscDefaultReplyRate;
    /// A TCP connection that sends nothing for this long (and holds no live subscription) is closed.
    std::chrono::milliseconds tcpIdleTimeout = config::oscDefaultTcpIdleTimeout;
    ClientLimits clients;                          ///< clients remembered, in all and per address
    std::size_t maxTcpConnections = config::oscMaxTcpConnections;
    std::size_t maxTcpConnectionsPerAddress = config::oscMaxTcpConnectionsPerAddress;
};

/// The limits a session sets that a reload may change while clients talk.
struct OscLimits {
    double clientRate = config::oscDefaultClientRate; ///< `osc.client_rate`: messages/s per client (a second's worth at once)
    double replyRate = config::oscDefaultReplyRate;   ///< `osc.reply_rate`: reply bytes/s per address or TCP connection
    std::chrono::milliseconds tcpIdleTimeout = config::oscDefaultTcpIdleTimeout; ///< `osc.tcp_idle_timeout`
};

/// The OSC server: UDP and TCP on one port number, one thread of its own ("backline-osc")
/// that owns every socket and client. It checks each packet's source against the access list
/// and the client's rate limit before reading it, answers over the transport the client used,
/// pushes parameter changes to subscribers (coalesced, rate-limited, numbered) and streams
/// meters. It reaches the engine only through port::ControlPort (which queues commands): a flood
/// costs this thread, never the audio thread.
class OscServer {
public:
    /// [control] Binds the port (UDP and TCP) and starts serving. The error names the port
    /// when it is taken.
    static Result<std::unique_ptr<OscServer>> start(OscServerOptions options, port::ControlPort& control);
    /// [control] As above with the default access list and limits.
    static Result<std::unique_ptr<OscServer>> start(int port, port::ControlPort& control);
    /// [control] Stops the thread (waiting for a reload or other slow request under way) and closes the sockets.
    ~OscServer();
    OscServer(const OscServer&) = delete;
    OscServer& operator=(const OscServer&) = delete;

    /// The port bound (UDP and TCP).
    int port() const noexcept { return port_; }
    /// [any] Replaces the access list (after a session reload changed `osc.allow`).
    void setAccess(AccessList access);
    /// [any] Sets the limits a session may change (after a reload): every client's message rate
    /// (a second's worth at once), reply budget and the TCP idle timeout, for clients already
    /// talking too.
    void setLimits(OscLimits limits);
    /// [any] Queues a notice (recorder events, disk full, …) for every live subscriber; sent
    /// by the OSC thread on its next pass. Never waits for the network. Bounded: past 256
    /// pending notices the oldest are dropped and counted.
    void broadcast(OscReply notice);
    /// [any] The same for a notice from the control port.
    void broadcast(const port::Notice& notice);
    /// [any] The counters /status shows.
    OscCounters counters() const;
    /// Messages received / answered with /error so far.
    std::uint64_t received() const noexcept { return received_.load(std::memory_order_relaxed); }
    std::uint64_t rejected() const noexcept { return errors_.load(std::memory_order_relaxed); }

private:
    OscServer(OscServerOptions options, port::ControlPort& control, Socket udp, Socket tcp);

    void run();
    void wake();
    std::int64_t nextDeadline(std::int64_t nowNs);
    void readUdp();
    void acceptTcp();
    void readTcp(TcpConnection& connection);
    void service(std::int64_t nowNs);

    /// [osc] One packet from endpoint (over connection for TCP): access, rate limit, parse, act, reply.
    void handlePacket(std::span<const std::uint8_t> bytes, const Endpoint& endpoint);
    /// [osc] The per-client addresses; false when address is not one of them.
    bool handleSessionMessage(ClientState& client, const OscInMessage& message, std::vector<OscReply>& replies,
        std::int64_t nowNs);
    /// [osc] Hands a slow request (reload, record start/stop) to the job thread; false when it is not one.
    bool handleSlowMessage(ClientState& client, OscInMessage& message, std::vector<OscReply>& replies);
    void applyBatch(const Endpoint& from, std::uint64_t timetag, ParamBatch& batch, std::vector<OscReply>& replies);
    void subscribe(ClientState& client, const OscInMessage& message, std::vector<OscReply>& replies, std::int64_t nowNs);
    void subscribeMeters(ClientState& client, const OscInMessage& message, std::vector<OscReply>& replies,
        std::int64_t nowNs);

    void collectFeedback(std::int64_t nowNs);
    void sendSnapshot(ClientState& client, std::int64_t nowNs);
    void sendFeedback(ClientState& client, std::int64_t nowNs);
    void sendMeters(ClientState& client);
    void sendReplies(const Endpoint& to, std::vector<OscReply> replies);
    void send(const Endpoint& to, std::span<const std::uint8_t> packet);

    void noteBlocked(const Endpoint& endpoint, std::int64_t nowNs);
    void noteLimited(ClientState& client, std::uint64_t messages, std::int64_t nowNs);
    void noteRefusedBytes(const Endpoint& to, std::size_t bytes, std::int64_t nowNs);
    /// [osc] Whether a TCP connection from endpoint may be added (making room when fair).
    bool admitTcp(const Endpoint& endpoint, std::int64_t nowNs);
    void closeIdleTcp(std::int64_t nowNs);
    /// [osc] Reply bytes endpoint may be sent now (its address's budget, or its connection's).
    double replyBytesAvailable(const Endpoint& endpoint, std::int64_t nowNs);
    void applyLimits(const OscLimits& limits);
    void logWarnings(std::int64_t nowNs);
    void publishCounts();

    port::ControlPort& control_;
    OscDispatcher dispatcher_;
    FeedbackLog log_;
    OscServerOptions options_;
    Socket udp_;
    Socket tcp_;
    int wakeFd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::atomic<bool> stopping_ {false};

    // Shared with other threads.
    mutable std::mutex accessMutex_; // guards pendingAccess_ and pendingLimits_
    std::optional<OscLimits> pendingLimits_;
    std::optional<AccessList> pendingAccess_;
    std::atomic<bool> accessChanged_ {false};
    std::atomic<std::uint64_t> received_ {0};
    std::atomic<std::uint64_t> errors_ {0};
    std::atomic<std::uint64_t> dropped_ {0};
    std::atomic<std::uint64_t> blocked_ {0};
    std::atomic<std::uint64_t> refusedBytes_ {0};
    std::atomic<std::uint64_t> refusedConnections_ {0};
    std::atomic<std::uint64_t> evicted_ {0};
    std::atomic<std::size_t> clientCount_ {0};
    std::atomic<std::size_t> subscriberCount_ {0};
    std::atomic<std::size_t> meterSubscriberCount_ {0};
    std::atomic<std::size_t> tcpCount_ {0};

    mutable std::mutex noticeMutex_; // guards notices_
    std::vector<OscReply> notices_;

    // The OSC thread's own.
    ClientTable clients_;
    std::map<std::uint64_t, TcpConnection> connections_;
    std::uint64_t nextConnectionId_ = 1;
    MeterStream meterStream_;
    std::vector<std::uint8_t> buffer_;
    std::vector<std::pair<std::string, float>> changes_;
    bool snapshotsDue_ = false;
    std::int64_t nextExpiryNs_ = 0;
    BundleScheduler scheduler_;
    std::int64_t nextClockNs_ = 0;
    // Lines that a flood could repeat thousands of times a second: at most one a minute each.
    LogThrottle blockedLog_;
    LogThrottle limitLog_;
    LogThrottle refusedBytesLog_;
    LogThrottle refusedTcpLog_;
    LogThrottle idleTcpLog_;
    LogThrottle evictedLog_;
    LogThrottle connectedLog_;
    LogThrottle disconnectedLog_;
    LogThrottle subscribedLog_;

    // Requests that take long, on a thread of their own; declared last so it stops first.
    JobRunner jobs_;
};

} // namespace backline::control
