// SPDX-License-Identifier: GPL-3.0-or-later
// The web server's life and its thread ("backline-web"): the listening socket, the connection
// limits at accept, and the bridge that carries the OSC server's packets to the WebSockets.
#include "control/web/WebServer.h"

#include "control/web/HttpSession.h"
#include "control/web/WebSocketSession.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <pthread.h>

#include <thread>

namespace backline::control {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct WebServer::Impl final : WebOutlet {
    Impl(WebServerOptions options, OscServer& osc)
        : hub(std::move(options), osc)
        , acceptor(io)
    {
    }

    /// [osc] Hands a packet to the web thread, which gives it to its WebSocket (if still open).
    void deliver(std::uint64_t connection, std::shared_ptr<const std::vector<std::uint8_t>> packet) override
    {
        asio::post(io, [this, connection, packet = std::move(packet)]() mutable {
            auto it = hub.sockets.find(connection);
            if (it == hub.sockets.end())
                return;
            if (auto socket = it->second.lock())
                socket->send(std::move(packet));
        });
    }

    Result<void> listen(int port)
    {
        boost::system::error_code ec;
        // A dual-stack socket where the system has IPv6 (IPv4 peers as ::ffff:a.b.c.d, as the
        // OSC server sees them), else IPv4 alone.
        tcp::endpoint where(asio::ip::address_v6::any(), std::uint16_t(port));
        acceptor.open(where.protocol(), ec);
        if (!ec)
            acceptor.set_option(asio::ip::v6_only(false), ec);
        if (ec) {
            acceptor.close(ec);
            where = tcp::endpoint(asio::ip::address_v4::any(), std::uint16_t(port));
            acceptor.open(where.protocol(), ec);
        }
        if (!ec)
            acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec)
            acceptor.bind(where, ec);
        if (!ec)
            acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            return makeError(ErrorCode::Osc,
                fmt::format("cannot listen for the web surface on TCP port {}: {}. Is another program using it? "
                            "Choose another with --web-port or the session key web.port",
                    port, ec.message()));
        bound = acceptor.local_endpoint(ec).port();
        return {};
    }

    void accept()
    {
        acceptor.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted)
                return;
            if (!ec)
                admit(std::move(socket));
            accept();
        });
    }

    void admit(tcp::socket socket)
    {
        boost::system::error_code ec;
        const tcp::endpoint remote = socket.remote_endpoint(ec);
        if (ec)
            return;
        PeerSocket peer;
        peer.length = socklen_t(std::min<std::size_t>(remote.size(), sizeof peer.address));
        std::memcpy(&peer.address, remote.data(), peer.length);
        const PeerAddress address = peer.peer();
        if (!hub.admit(address)) {
            hub.refused.fetch_add(1, std::memory_order_relaxed); // a statistic
            spdlog::debug("web: refused a connection from {}: at most {} from one address, {} in all",
                address.str(), hub.options().maxConnectionsPerAddress, hub.options().maxConnections);
            return; // closed by socket's destructor
        }
        socket.set_option(tcp::no_delay(true), ec);
        const bool allowed = hub.allows(reinterpret_cast<const sockaddr*>(&peer.address));
        std::make_shared<HttpSession>(std::move(socket), hub, peer, ConnectionTicket(hub, address), allowed)->run();
    }

    WebHub hub;
    asio::io_context io {1};
    tcp::acceptor acceptor;
    int bound = 0;
    std::thread thread;
};

Result<std::unique_ptr<WebServer>> WebServer::start(WebServerOptions options, OscServer& osc)
{
    const int port = options.port;
    auto impl = std::make_unique<Impl>(std::move(options), osc);
    if (auto r = impl->listen(port); !r)
        return r.error();
    std::unique_ptr<WebServer> server(new WebServer(std::move(impl)));
    Impl& i = *server->impl_;
    osc.attachWeb(&i);
    i.accept();
    i.thread = std::thread([&i] {
        pthread_setname_np(pthread_self(), "backline-web");
        // No exception may end the thread unseen: one from a handler is logged and the loop goes on.
        for (;;) {
            try {
                i.io.run();
                return;
            } catch (const std::exception& e) {
                spdlog::error("web: {}", e.what());
            }
        }
    });
    spdlog::info("web surface on http://<this host>:{}/ ({}{}); clients allowed: the OSC list", i.bound,
        i.hub.files().describe(), i.hub.pinActive() ? ", PIN asked" : "");
    return server;
}

WebServer::WebServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl))
{
}

WebServer::~WebServer()
{
    // Nothing more from the OSC thread, then the loop ends; the connections still open go with
    // the io_context, telling the OSC server they closed.
    impl_->hub.osc().attachWeb(nullptr);
    asio::post(impl_->io, [i = impl_.get()] {
        boost::system::error_code ignored;
        i->acceptor.close(ignored);
        i->io.stop();
    });
    if (impl_->thread.joinable())
        impl_->thread.join();
}

int WebServer::port() const noexcept { return impl_->bound; }

void WebServer::setAccess(AccessList access) { impl_->hub.setAccess(std::move(access)); }

void WebServer::setHook(HttpHook hook) { impl_->hub.setHook(std::move(hook)); }

WebCounters WebServer::counters() const
{
    const WebHub& h = impl_->hub;
    WebCounters c;
    c.connections = h.connections.load(std::memory_order_relaxed);
    c.webSockets = h.webSockets.load(std::memory_order_relaxed);
    c.refused = h.refused.load(std::memory_order_relaxed);
    c.forbidden = h.forbidden.load(std::memory_order_relaxed);
    c.pinRefused = h.pinRefused.load(std::memory_order_relaxed);
    c.badRequests = h.badRequests.load(std::memory_order_relaxed);
    c.badMessages = h.badMessages.load(std::memory_order_relaxed);
    c.slowClosed = h.slowClosed.load(std::memory_order_relaxed);
    c.droppedPackets = h.droppedPackets.load(std::memory_order_relaxed);
    return c;
}

} // namespace backline::control
