// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/AccessList.h"
#include "control/osc/BundleScheduler.h"
#include "control/osc/ClientTable.h"
#include "control/osc/HeldNotes.h"
#include "control/osc/JobRunner.h"
#include "control/osc/LogThrottle.h"
#include "control/osc/OscConfig.h"
#include "control/osc/OscDispatcher.h"
#include "control/osc/OscPacket.h"
#include "control/osc/OscSockets.h"
#include "control/osc/OscSubscriptions.h"
#include "control/osc/PacketSink.h"
#include "control/osc/PinGate.h"
#include "control/osc/WebLink.h"
#include "core/Config.h"
#include "core/Result.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
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
    /// The PIN shared with the web surface (none: no PIN, and /auth always answers /auth/ok).
    std::shared_ptr<PinGate> pin;
    /// `osc.require_pin`: UDP and TCP clients must send `/auth s:pin` before anything but /ping.
    bool requirePin = false;
};

/// The limits a session sets that a reload may change while clients talk.
struct OscLimits {
    double clientRate = config::oscDefaultClientRate; ///< `osc.client_rate`: messages/s per client (a second's worth at once)
    double replyRate = config::oscDefaultReplyRate;   ///< `osc.reply_rate`: reply bytes/s per address or TCP connection
    std::chrono::milliseconds tcpIdleTimeout = config::oscDefaultTcpIdleTimeout; ///< `osc.tcp_idle_timeout`
};

/// The OSC server: UDP and TCP on one port number, one thread of its own ("backline-osc")
/// that owns every socket and client. It checks each packet's source against the access list
/// and the client's rate limit before reading it, answers each message through the route table
/// (OscRoutes.cpp) over the transport the client used, pushes parameter changes, meters and
/// notices to subscribers (OscSubscriptions) and runs the slow requests on a job thread. It
/// reaches the engine only through port::ControlPort (which queues commands): a flood costs
/// this thread, never the audio thread.
///
/// Its parts, one file each: the thread's loop (OscServer.cpp), the transport (sockets, reading
/// and sending: OscTransport.cpp), admission and bounds (OscAdmission.cpp), and requests
/// (packet → routes → replies, bundles → BundleScheduler: OscRequests.cpp), and WebSocket
/// clients handed over by the web server (OscWeb.cpp).
class OscServer final : private PacketSink {
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
    /// [any] Whether clients must give the PIN first (after a reload changed `osc.require_pin`).
    void setRequirePin(bool require);
    /// [any] The counters /status shows.
    OscCounters counters() const;

    // WebSocket clients (OscWeb.cpp): the web server's thread hands their packets over, and
    // gets back what the OSC server sends them through the WebOutlet. Each goes through the
    // same admission, rate limits, routes and subscriptions as a UDP or TCP client.
    /// [any] Where packets for web clients go from now on (nullptr: nowhere; call before the
    /// outlet is destroyed).
    void attachWeb(WebOutlet* outlet);
    /// [web] A WebSocket client connected from peer; authenticated when it came with a valid
    /// PIN cookie (or no PIN is set). Returns its endpoint (Transport::Web, its connection id).
    Endpoint openWeb(const sockaddr_storage& peer, socklen_t length, bool authenticated);
    /// [web] One OSC packet from web connection `connection`; false (dropped, counted) when
    /// the OSC thread has too much waiting already.
    bool webPacket(std::uint64_t connection, std::vector<std::uint8_t> packet);
    /// [web] The WebSocket connection closed: its client and subscriptions are forgotten.
    void closeWeb(std::uint64_t connection);

private:
    class PacketAllowance;

    OscServer(OscServerOptions options, port::ControlPort& control, Socket udp, Socket tcp);

    // The thread's loop (OscServer.cpp).
    void run();
    void wake();
    std::int64_t nextDeadline(std::int64_t nowNs);
    void service(std::int64_t nowNs);
    void publishCounts();

    // Transport (OscTransport.cpp).
    void readUdp();
    void readTcp(TcpConnection& connection);
    /// [osc] Sends what waits on each TCP connection; closes those done or stuck.
    void flushConnections();
    void send(const Endpoint& to, std::span<const std::uint8_t> packet) override;

    // Requests (OscRequests.cpp).
    /// [osc] One packet from endpoint (over connection for TCP): access, rate limit, parse, act, reply.
    void handlePacket(std::span<const std::uint8_t> bytes, const Endpoint& endpoint);
    /// [osc] One message of a packet to its route (or an /error when it has none).
    void handleMessage(ClientState& client, OscInMessage& message, OscCall& call);
    /// [osc] Hands a RouteThread::Job route's message to the job thread; its replies come back
    /// through the OSC thread.
    void runLater(const OscRoute& route, ClientState& client, OscInMessage& message, std::vector<OscReply>& replies);
    void applyBatch(const Endpoint& from, std::uint64_t timetag, ParamBatch& batch, std::vector<OscReply>& replies);

    // Web clients (OscWeb.cpp).
    struct WebEvent {
        enum class Kind { Open, Packet, Close } kind;
        Endpoint endpoint;
        bool authenticated = false;
        std::vector<std::uint8_t> packet;
    };
    struct WebConnection {
        Endpoint endpoint;
        RateLimit replyBudget {0.0, 0.0};
        bool authenticated = false;
    };
    /// [osc] Takes what the web thread handed over: opens, packets, closes, in order.
    void drainWeb();
    /// [osc] Sends a packet to a web client, paid from its connection's reply budget.
    void sendWeb(const Endpoint& to, std::span<const std::uint8_t> packet);

    // Admission and bounds (OscAdmission.cpp).
    void acceptTcp();
    /// [osc] Whether a TCP connection from endpoint may be added (making room when fair).
    bool admitTcp(const Endpoint& endpoint, std::int64_t nowNs);
    void closeIdleTcp(std::int64_t nowNs);
    /// [osc] Forgets the clients of a TCP or WebSocket connection that closed and releases the
    /// notes it held down.
    void connectionClosed(std::uint64_t connection);
    /// [osc] Reply bytes endpoint may be sent now (its address's budget, or its connection's).
    double replyBytesAvailable(const Endpoint& endpoint, std::int64_t nowNs);
    void noteBlocked(const Endpoint& endpoint, std::int64_t nowNs);
    void noteLimited(ClientState& client, std::uint64_t messages, std::int64_t nowNs);
    void noteRefusedBytes(const Endpoint& to, std::size_t bytes, std::int64_t nowNs);
    void applyLimits(const OscLimits& limits);
    /// [osc] The throttled log lines, to poll (logWarnings) and to flush when stopping (flushLogs).
    std::array<LogThrottle*, 8> logs();
    void logWarnings(std::int64_t nowNs);
    void flushLogs();

    port::ControlPort& control_;
    OscDispatcher dispatcher_;
    OscServerOptions options_;
    Socket udp_;
    Socket tcp_;
    int wakeFd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::atomic<bool> stopping_ {false};
    std::atomic<bool> requirePin_ {false};

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
    std::atomic<std::size_t> webCount_ {0};
    /// Connection ids for TCP (the OSC thread) and WebSocket clients (the web thread) alike.
    std::atomic<std::uint64_t> nextConnectionId_ {1};

    mutable std::mutex webMutex_; // guards webOutlet_, webInbox_, webInboxBytes_
    WebOutlet* webOutlet_ = nullptr;
    std::deque<WebEvent> webInbox_;
    std::size_t webInboxBytes_ = 0;

    // The OSC thread's own (but for the subscriptions' post() and listener).
    ClientTable clients_;
    HeldNotes heldNotes_;
    OscSubscriptions subscriptions_;
    std::map<std::uint64_t, TcpConnection> connections_;
    std::map<std::uint64_t, WebConnection> webConnections_;
    std::vector<std::uint8_t> buffer_;
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

    // Requests that take long, on a thread of their own; declared last so it stops first.
    JobRunner jobs_;
};

} // namespace backline::control
