// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/OscServer.h"

#include "control/osc/Timetag.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <limits>
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
        control.addListener(&server->log_);
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
    , log_([this] { wake(); }, [this](const port::Notice& notice) { broadcast(notice); })
    , options_(std::move(options))
    , udp_(std::move(udp))
    , tcp_(std::move(tcp))
    , wakeFd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
    , port_(udp_.port())
    , clients_(options_.clients, options_.clientRate, options_.clientBurst, options_.replyRate)
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
    , subscribedLog_(spdlog::level::info, toNs(config::oscWarningInterval),
          [](std::uint64_t n, const std::string& latest) {
              return n == 1 ? fmt::format("OSC client {} subscribed to feedback", latest)
                            : fmt::format("OSC: {} clients subscribed to feedback (latest {})", n, latest);
          })
    , jobs_([this] { wake(); })
{
    dispatcher_.setCounters([this] { return counters(); });
}

OscServer::~OscServer()
{
    jobs_.stop(); // its thread wakes this one through wakeFd_, closed below
    control_.removeListener(&log_);
    stopping_ = true;
    wake();
    if (thread_.joinable())
        thread_.join();
    if (wakeFd_ >= 0)
        ::close(wakeFd_);
    // What was counted since the last line of each kind, so the log tells the whole story.
    for (LogThrottle* l : {&blockedLog_, &limitLog_, &refusedBytesLog_, &refusedTcpLog_, &idleTcpLog_, &evictedLog_,
             &connectedLog_, &disconnectedLog_, &subscribedLog_})
        l->flush();
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
    c.clients = clientCount_.load(std::memory_order_relaxed);
    c.subscribers = subscriberCount_.load(std::memory_order_relaxed);
    c.meterSubscribers = meterSubscriberCount_.load(std::memory_order_relaxed);
    c.tcpConnections = tcpCount_.load(std::memory_order_relaxed);
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
    std::int64_t deadline = std::min({nowNs + nsPerSecond, log_.nextDueNs(), nextClockNs_, scheduler_.nextHandOverNs()});
    if (snapshotsDue_ || jobs_.hasDone())
        return nowNs;
    const std::uint64_t version = log_.version();
    clients_.forEach([&](ClientState& c) {
        if (c.feedback.active) {
            deadline = std::min(deadline, c.feedback.untilNs);
            if (version > c.feedback.sentVersion)
                deadline = std::min(deadline, c.feedback.lastSentNs + c.feedback.intervalNs);
        }
        if (c.meters.active)
            deadline = std::min({deadline, c.meters.untilNs, c.meters.nextNs});
    });
    return deadline;
}

void OscServer::readUdp()
{
    Endpoint from;
    for (std::size_t i = 0; i < config::oscUdpReadPerTurn; ++i) {
        const long n = udp_.receiveFrom(buffer_, from);
        if (n < 0)
            return;
        handlePacket(std::span(buffer_.data(), std::min(std::size_t(n), buffer_.size())), from);
    }
}

void OscServer::handlePacket(std::span<const std::uint8_t> bytes, const Endpoint& endpoint)
{
    const std::int64_t now = monotonicNowNs();
    // Source first, then the client's budget, and only then the bytes: a flood from a stranger
    // or an over-eager client costs a lookup, not a parse.
    if (!options_.access.allows(reinterpret_cast<const sockaddr*>(&endpoint.address))) {
        noteBlocked(endpoint, now);
        return;
    }
    std::string evicted;
    ClientState* client = clients_.touch(endpoint, now, &evicted);
    if (!client) {
        dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        return;
    }
    if (!evicted.empty()) {
        evicted_.fetch_add(1, std::memory_order_relaxed); // a statistic
        evictedLog_.note(now, fmt::format("{} (for {})", evicted, client->name));
    }
    if (!client->limit.take(1.0, now)) {
        noteLimited(*client, 1, now);
        return;
    }
    OscInPacket packet = parsePacket(bytes);
    const std::size_t messages = std::max<std::size_t>(1, packet.messages.size());
    if (messages > 1 && !client->limit.take(double(messages - 1), now)) {
        noteLimited(*client, messages, now);
        return;
    }
    client->received += messages;
    received_.fetch_add(messages, std::memory_order_relaxed); // a statistic
    std::vector<OscReply> replies;
    if (packet.error) {
        replies.push_back(errorReply(packet.error->address, packet.error->message));
    } else {
        // /state answers within what the client's reply budget holds after the replies before
        // it (about: each message and its size field in the bundle), so a bundle of a
        // thousand gets pages, not 16 MB.
        std::size_t replyBytes = 0;
        std::size_t counted = 0;
        // No exception may end the OSC thread: a failure is this packet's /error.
        try {
            ParamBatch batch;
            for (auto& message : packet.messages) {
                if (handleSessionMessage(*client, message, replies, now) || handleSlowMessage(*client, message, replies))
                    continue;
                if (message.address == "/state") {
                    for (; counted < replies.size(); ++counted)
                        replyBytes += OscWriter::messageSize(replies[counted].address, replies[counted].args) + 4;
                    const double available = replyBytesAvailable(endpoint, now);
                    dispatcher_.setReplyAllowance(
                        available > double(replyBytes) ? std::size_t(available) - replyBytes : 0);
                }
                dispatcher_.dispatch(message.address, message.types, message.argv, message.argc, replies,
                    packet.bundle ? &batch : nullptr);
                dispatcher_.setReplyAllowance(SIZE_MAX);
            }
            if (packet.bundle)
                applyBatch(endpoint, packet.timetag, batch, replies);
        } catch (const std::exception& e) {
            dispatcher_.setReplyAllowance(SIZE_MAX);
            replies.push_back(errorReply(packet.messages.front().address, fmt::format("internal error: {}", e.what())));
        }
        if (const std::size_t withheld = dispatcher_.takeWithheldBytes(); withheld > 0)
            noteRefusedBytes(endpoint, withheld, now);
    }
    const auto errors = std::count_if(replies.begin(), replies.end(), [](const OscReply& r) { return r.address == "/error"; });
    if (errors > 0) {
        errors_.fetch_add(std::uint64_t(errors), std::memory_order_relaxed); // a statistic
        if (spdlog::should_log(spdlog::level::debug))
            for (const auto& r : replies)
                if (r.address == "/error")
                    spdlog::debug("osc: {}: {}", client->name, std::get<std::string>(r.args[1]));
    }
    const Endpoint to = client->endpoint;
    sendReplies(to, std::move(replies));
    if (snapshotsDue_)
        service(now);
}

void OscServer::applyBatch(const Endpoint& from, std::uint64_t timetag, ParamBatch& batch,
    std::vector<OscReply>& replies)
{
    if (batch.invalid > 0) {
        replies.push_back(errorReply("#bundle",
            fmt::format("bundle not applied: {} of its messages {} invalid (nothing in it changed)", batch.invalid,
                batch.invalid == 1 ? "is" : "are")));
        return;
    }
    if (batch.changes.empty())
        return;
    const double ahead = timetag == oscImmediately ? 0.0 : secondsUntil(timetag, std::chrono::system_clock::now());
    if (ahead > config::oscMaxScheduleAheadSeconds) {
        replies.push_back(errorReply("#bundle",
            fmt::format("bundle not applied: its time is {:.1f} s ahead, more than {:g} s (is the sender's clock set?)",
                ahead, config::oscMaxScheduleAheadSeconds)));
        return;
    }
    const std::int64_t now = monotonicNowNs();
    const std::int64_t due = ahead > 0.0 ? now + std::int64_t(ahead * 1e9) : 0;
    if (auto r = scheduler_.submit(std::move(batch.changes), due, from, now); !r)
        replies.push_back(errorReply("#bundle", "bundle not applied: " + r.error().message));
}

void OscServer::broadcast(const port::Notice& notice)
{
    broadcast(OscReply {notice.address, notice.args});
}

void OscServer::broadcast(OscReply notice)
{
    {
        std::lock_guard lock(noticeMutex_);
        if (notices_.size() >= 256) {
            notices_.erase(notices_.begin());
            dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        }
        notices_.push_back(std::move(notice));
    }
    wake();
}

void OscServer::service(std::int64_t nowNs)
{
    std::vector<OscReply> notices;
    {
        std::lock_guard lock(noticeMutex_);
        notices.swap(notices_);
    }
    if (!notices.empty())
        clients_.forEach([&](ClientState& c) {
            if (c.feedback.active)
                sendReplies(c.endpoint, notices);
        });
    collectFeedback(nowNs);
    if (nowNs >= nextExpiryNs_ || snapshotsDue_) {
        nextExpiryNs_ = nowNs + nsPerSecond / 10;
        clients_.expire(nowNs, toNs(config::oscClientIdleTimeout));
    }
    bool metersDue = false;
    const std::uint64_t version = log_.version();
    clients_.forEach([&](ClientState& c) {
        if (c.feedback.active) {
            if (c.feedback.sentVersion == std::numeric_limits<std::uint64_t>::max())
                sendSnapshot(c, nowNs);
            else if (version > c.feedback.sentVersion && nowNs >= c.feedback.lastSentNs + c.feedback.intervalNs)
                sendFeedback(c, nowNs);
        }
        metersDue = metersDue || (c.meters.active && nowNs >= c.meters.nextNs);
    });
    snapshotsDue_ = false;
    if (metersDue) {
        meterStream_.update(control_.meters());
        clients_.forEach([&](ClientState& c) {
            if (c.meters.active && nowNs >= c.meters.nextNs) {
                sendMeters(c);
                c.meters.nextNs = std::max(c.meters.nextNs + c.meters.intervalNs, nowNs + c.meters.intervalNs / 2);
            }
        });
    }
    for (auto& done : jobs_.takeDone()) {
        const auto errors = std::count_if(done.replies.begin(), done.replies.end(),
            [](const OscReply& r) { return r.address == "/error"; });
        errors_.fetch_add(std::uint64_t(errors), std::memory_order_relaxed); // a statistic
        sendReplies(done.to, std::move(done.replies));
    }
    closeIdleTcp(nowNs);
    for (auto it = connections_.begin(); it != connections_.end();) {
        if (!it->second.output.empty() && !it->second.flush())
            it->second.closing = true;
        if (it->second.closing) {
            clients_.forgetConnection(it->first);
            it = connections_.erase(it);
        } else {
            ++it;
        }
    }
    scheduler_.handOver(nowNs, [this](const Endpoint& from, const std::string& why) {
        errors_.fetch_add(1, std::memory_order_relaxed); // a statistic
        sendReplies(from, {errorReply("#bundle", "timed bundle not applied: " + why)});
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
}

void OscServer::sendReplies(const Endpoint& to, std::vector<OscReply> replies)
{
    if (replies.empty())
        return;
    PacketPacker packer(config::oscReplyPacketBytes);
    for (auto& reply : replies)
        packer.add(std::move(reply));
    for (const auto& packet : packer.finish())
        send(to, packet);
}

void OscServer::send(const Endpoint& to, std::span<const std::uint8_t> packet)
{
    // Every packet is paid for from its client's reply budget: over UDP its address's (the
    // source of a datagram can be forged, the destination of the reply cannot be chosen by
    // anyone else), over TCP its connection's.
    const std::int64_t now = monotonicNowNs();
    if (to.transport == Transport::Udp) {
        if (!clients_.takeReplyBytes(to, packet.size(), now))
            noteRefusedBytes(to, packet.size(), now);
        else if (!udp_.sendTo(packet, to))
            dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        return;
    }
    auto it = connections_.find(to.connection);
    if (it == connections_.end()) {
        dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        return;
    }
    if (!it->second.closing && !it->second.replyBudget.take(double(packet.size()), now)) {
        noteRefusedBytes(to, packet.size(), now);
        return;
    }
    const bool wasClosing = it->second.closing;
    if (!it->second.queue(packet)) {
        dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        if (!wasClosing)
            spdlog::warn("osc: closing {}: it does not read what it is sent ({} bytes waiting)", to.str(),
                it->second.output.size());
    }
}

} // namespace backline::control
