// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC server's life and its thread's loop: binding, starting and stopping, the settings
// other threads hand over, the poll over every socket, and the pass that sends what is due.
#include "control/osc/OscServer.h"

#include "control/osc/Timetag.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace backline::control {

namespace {

constexpr std::int64_t nsPerSecond = 1000000000LL;

std::int64_t toNs(std::chrono::nanoseconds d) { return d.count(); }

} // namespace

Result<std::unique_ptr<OscServer>> OscServer::start(int port, port::ControlPort& control)
{
    OscServerOptions options;
    options.port = port;
    return start(std::move(options), control);
}

Result<std::unique_ptr<OscServer>> OscServer::start(OscServerOptions options, port::ControlPort& control)
{
    // Port 0 asks for any free port: take UDP's and bind TCP to the same number, retrying
    // when TCP's is taken.
    for (int attempt = 0; attempt < 16; ++attempt) {
        auto udp = Socket::udp(options.port);
        if (!udp)
            return makeError(ErrorCode::Osc,
                fmt::format("cannot listen for OSC on UDP port {}: {}. Is another backlined (or another program) "
                            "using it? Choose another with --osc-port",
                    options.port, udp.error().message));
        const int port = udp->port();
        auto tcp = Socket::tcpListener(port);
        if (!tcp) {
            if (options.port == 0)
                continue;
            return makeError(ErrorCode::Osc,
                fmt::format("cannot listen for OSC on TCP port {}: {}. Is another program using it? Choose another "
                            "with --osc-port",
                    port, tcp.error().message));
        }
        std::unique_ptr<OscServer> server(
            new OscServer(std::move(options), control, std::move(udp.value()), std::move(tcp.value())));
        if (server->wakeFd_ < 0)
            return makeError(ErrorCode::Osc, "cannot create the OSC server's wake-up event (eventfd)");
        control.addListener(&server->subscriptions_.listener());
        server->thread_ = std::thread([s = server.get()] { s->run(); });
        spdlog::info("OSC listening on UDP and TCP port {}; clients allowed: {}", server->port_,
            server->options_.access.describe());
        return server;
    }
    return makeError(ErrorCode::Osc, "cannot find a port free for both OSC over UDP and TCP");
}

namespace {

std::string plural(std::uint64_t n, std::string_view one, std::string_view many)
{
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

} // namespace

OscServer::OscServer(OscServerOptions options, port::ControlPort& control, Socket udp, Socket tcp)
    : control_(control)
    , dispatcher_(control)
    , options_(std::move(options))
    , udp_(std::move(udp))
    , tcp_(std::move(tcp))
    , wakeFd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
    , port_(udp_.port())
    , clients_(options_.clients, options_.clientRate, options_.clientBurst, options_.replyRate)
    , subscriptions_(control, clients_, *this, [this] { wake(); })
    , buffer_(config::oscMaxPacketBytes)
    , scheduler_(control)
    , blockedLog_(spdlog::level::warn, toNs(config::oscWarningInterval),
          [this](std::uint64_t n, const std::string& latest) {
              return fmt::format("osc: ignored {} from outside the allowed addresses (latest from {}); allowed: {} "
                                 "(session key osc.allow)",
                  plural(n, "packet", "packets"), latest, options_.access.describe());
          })
    , limitLog_(spdlog::level::warn, toNs(config::oscWarningInterval),
          [this](std::uint64_t n, const std::string& latest) {
              return fmt::format("osc: dropped {} over the per-client rate limit of {:g}/s (latest from {}; session "
                                 "key osc.client_rate)",
                  plural(n, "message", "messages"), options_.clientRate, latest);
          })
    , refusedBytesLog_(spdlog::level::warn, toNs(config::oscWarningInterval),
          [this](std::uint64_t n, const std::string& latest) {
              return fmt::format("osc: held back {} of replies over the reply budget of {:g} bytes/s per client "
                                 "address or TCP connection (latest for {}; session key osc.reply_rate)",
                  plural(n, "byte", "bytes"), options_.replyRate, latest);
          })
    , refusedTcpLog_(spdlog::level::warn, toNs(config::oscWarningInterval),
          [this](std::uint64_t n, const std::string& latest) {
              return fmt::format("osc: refused {} (latest from {}): at most {} at once from one address, {} in all",
                  plural(n, "TCP connection", "TCP connections"), latest, options_.maxTcpConnectionsPerAddress,
                  options_.maxTcpConnections);
          })
    , idleTcpLog_(spdlog::level::info, toNs(config::oscWarningInterval),
          [this](std::uint64_t n, const std::string& latest) {
              return fmt::format("OSC: closed {} that sent nothing for {:g} s (latest {}; session key "
                                 "osc.tcp_idle_timeout)",
                  plural(n, "TCP connection", "TCP connections"),
                  std::chrono::duration<double>(options_.tcpIdleTimeout).count(), latest);
          })
    , evictedLog_(spdlog::level::info, toNs(config::oscWarningInterval),
          [this](std::uint64_t n, const std::string& latest) {
              return fmt::format("OSC: forgot {} to make room for new ones (latest: {}); {} clients are remembered, {} "
                                 "per address",
                  plural(n, "client", "clients"), latest, options_.clients.capacity, options_.clients.perAddress);
          })
    , connectedLog_(spdlog::level::info, toNs(config::oscWarningInterval),
          [](std::uint64_t n, const std::string& latest) {
              return n == 1 ? fmt::format("OSC client {} connected", latest)
                            : fmt::format("OSC: {} TCP clients connected (latest {})", n, latest);
          })
    , disconnectedLog_(spdlog::level::info, toNs(config::oscWarningInterval),
          [](std::uint64_t n, const std::string& latest) {
              return n == 1 ? fmt::format("OSC client {} disconnected", latest)
                            : fmt::format("OSC: {} TCP clients disconnected (latest {})", n, latest);
          })
    , jobs_([this] { wake(); })
{
    requirePin_.store(options_.requirePin, std::memory_order_relaxed);
    subscriptions_.setPin(options_.pin);
    // /status runs on this thread: the counts are brought up to date first, so the client
    // asking counts itself.
    dispatcher_.setCounters([this] {
        publishCounts();
        return counters();
    });
}

OscServer::~OscServer()
{
    jobs_.stop(); // its thread wakes this one through wakeFd_, closed below
    control_.removeListener(&subscriptions_.listener());
    stopping_ = true;
    wake();
    if (thread_.joinable())
        thread_.join();
    if (wakeFd_ >= 0)
        ::close(wakeFd_);
    // What was counted since the last line of each kind, so the log tells the whole story.
    flushLogs();
}

void OscServer::wake()
{
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wakeFd_, &one, sizeof one);
}

void OscServer::setAccess(AccessList access)
{
    {
        std::lock_guard lock(accessMutex_);
        pendingAccess_ = std::move(access);
    }
    accessChanged_.store(true, std::memory_order_release); // pairs with the OSC thread's acquire exchange
    wake();
}

void OscServer::setLimits(OscLimits limits)
{
    {
        std::lock_guard lock(accessMutex_);
        pendingLimits_ = limits;
    }
    accessChanged_.store(true, std::memory_order_release); // pairs with the OSC thread's acquire exchange
    wake();
}

void OscServer::setRequirePin(bool require)
{
    requirePin_.store(require, std::memory_order_relaxed); // a flag read per message, nothing else hangs on it
}

OscCounters OscServer::counters() const
{
    OscCounters c;
    c.received = received_.load(std::memory_order_relaxed);
    c.errors = errors_.load(std::memory_order_relaxed);
    c.dropped = dropped_.load(std::memory_order_relaxed);
    c.blocked = blocked_.load(std::memory_order_relaxed);
    c.refusedBytes = refusedBytes_.load(std::memory_order_relaxed);
    c.refusedConnections = refusedConnections_.load(std::memory_order_relaxed);
    c.evicted = evicted_.load(std::memory_order_relaxed);
    c.noticesDropped = subscriptions_.noticesDropped();
    c.clients = clientCount_.load(std::memory_order_relaxed);
    c.subscribers = subscriberCount_.load(std::memory_order_relaxed);
    c.meterSubscribers = meterSubscriberCount_.load(std::memory_order_relaxed);
    c.tcpConnections = tcpCount_.load(std::memory_order_relaxed);
    c.webConnections = webCount_.load(std::memory_order_relaxed);
    return c;
}

void OscServer::run()
{
    pthread_setname_np(pthread_self(), "backline-osc");
    std::vector<pollfd> fds;
    std::vector<std::uint64_t> polled;
    while (!stopping_.load(std::memory_order_relaxed)) {
        const std::int64_t now = monotonicNowNs();
        const std::int64_t deadline = nextDeadline(now);
        const int timeoutMs = int(std::clamp<std::int64_t>((deadline - now + 999999) / 1000000, 0, 1000));
        fds.clear();
        polled.clear();
        fds.push_back({wakeFd_, POLLIN, 0});
        fds.push_back({udp_.fd(), POLLIN, 0});
        fds.push_back({tcp_.fd(), POLLIN, 0});
        for (auto& [id, connection] : connections_) {
            fds.push_back({connection.socket.fd(), short(POLLIN | (connection.output.empty() ? 0 : POLLOUT)), 0});
            polled.push_back(id);
        }
        if (poll(fds.data(), fds.size(), timeoutMs) < 0 && errno != EINTR)
            spdlog::warn("osc: poll failed: {}", std::strerror(errno));
        if (fds[0].revents) {
            std::uint64_t count = 0;
            [[maybe_unused]] const auto n = ::read(wakeFd_, &count, sizeof count);
        }
        drainWeb();
        if (accessChanged_.exchange(false, std::memory_order_acquire)) {
            std::lock_guard lock(accessMutex_);
            if (pendingAccess_) {
                options_.access = std::move(*pendingAccess_);
                pendingAccess_.reset();
                spdlog::info("OSC clients allowed: {}", options_.access.describe());
            }
            if (pendingLimits_)
                applyLimits(*pendingLimits_);
            pendingLimits_.reset();
        }
        if (fds[1].revents)
            readUdp();
        if (fds[2].revents)
            acceptTcp();
        for (std::size_t i = 0; i < polled.size(); ++i) {
            auto it = connections_.find(polled[i]);
            if (it == connections_.end())
                continue;
            const short revents = fds[3 + i].revents;
            if (revents & (POLLIN | POLLERR | POLLHUP))
                readTcp(it->second);
            if ((revents & POLLOUT) && !it->second.flush())
                it->second.closing = true;
        }
        service(monotonicNowNs());
    }
}

std::int64_t OscServer::nextDeadline(std::int64_t nowNs)
{
    if (subscriptions_.snapshotsDue() || jobs_.hasDone())
        return nowNs;
    return subscriptions_.nextDeadline(std::min({nowNs + nsPerSecond, nextClockNs_, scheduler_.nextHandOverNs()}));
}

void OscServer::service(std::int64_t nowNs)
{
    subscriptions_.pushNotices();
    subscriptions_.collect(nowNs);
    if (nowNs >= nextExpiryNs_ || subscriptions_.snapshotsDue()) {
        nextExpiryNs_ = nowNs + nsPerSecond / 10;
        clients_.expire(nowNs, toNs(config::oscClientIdleTimeout));
    }
    subscriptions_.push(nowNs);
    for (auto& done : jobs_.takeDone()) {
        const auto errors = std::count_if(done.replies.begin(), done.replies.end(),
            [](const OscReply& r) { return r.address == "/error"; });
        errors_.fetch_add(std::uint64_t(errors), std::memory_order_relaxed); // a statistic
        sendReplies(done.to, std::move(done.replies));
    }
    closeIdleTcp(nowNs);
    flushConnections();
    scheduler_.handOver(nowNs, [this](const Endpoint& from, std::string_view address, const std::string& why) {
        errors_.fetch_add(1, std::memory_order_relaxed); // a statistic
        sendReplies(from,
            {errorReply(std::string(address), address == "#bundle" ? "timed bundle not applied: " + why : why)});
    });
    if (nowNs >= nextClockNs_) {
        // A reading now and then, so the clock's true rate is known when a timed bundle comes.
        nextClockNs_ = nowNs + nsPerSecond / 10;
        scheduler_.sampleClock();
    }
    logWarnings(nowNs);
    publishCounts();
}

void OscServer::publishCounts()
{
    clientCount_.store(clients_.size(), std::memory_order_relaxed);
    subscriberCount_.store(clients_.subscribers(), std::memory_order_relaxed);
    meterSubscriberCount_.store(clients_.meterSubscribers(), std::memory_order_relaxed);
    tcpCount_.store(connections_.size(), std::memory_order_relaxed);
    webCount_.store(webConnections_.size(), std::memory_order_relaxed);
}

} // namespace backline::control
