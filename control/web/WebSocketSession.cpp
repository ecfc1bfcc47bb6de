// SPDX-License-Identifier: GPL-3.0-or-later
// One WebSocket on /osc (web thread): OSC packets in as binary messages to the OSC thread,
// packets from the OSC server out, bounded; text, oversized and silent peers closed.
#include "control/web/WebSocketSession.h"

#include "control/web/OscQueryCommand.h"

#include <spdlog/spdlog.h>

namespace backline::control {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

WebSocketSession::WebSocketSession(beast::tcp_stream stream, WebHub& hub, PeerSocket peer, ConnectionTicket ticket)
    : ws_(std::move(stream))
    , hub_(hub)
    , peer_(peer)
    , ticket_(std::move(ticket))
{
}

WebSocketSession::~WebSocketSession()
{
    if (connection_ == 0)
        return;
    hub_.sockets.erase(connection_);
    hub_.webSockets.fetch_sub(1, std::memory_order_relaxed); // a statistic
    hub_.osc().closeWeb(connection_);
}

void WebSocketSession::run(Request request)
{
    // The WebSocket's own timeouts from now on: the handshake's, then a ping half-way through
    // an idle minute, and closed when nothing at all comes back.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts;
    timeouts.handshake_timeout = config::webSocketHandshakeTimeout;
    timeouts.idle_timeout = config::webSocketIdleTimeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) { response.set(http::field::server, "backline"); }));
    ws_.read_message_max(config::oscMaxPacketBytes);
    ws_.binary(true);
    ws_.async_accept(request, beast::bind_front_handler(&WebSocketSession::onAccept, shared_from_this()));
}

void WebSocketSession::onAccept(beast::error_code ec)
{
    if (ec)
        return;
    // Only a browser that showed the PIN cookie (or any, without a PIN) gets this far: it is
    // authenticated for OSC's `osc.require_pin` too.
    const Endpoint endpoint = hub_.osc().openWeb(peer_.address, peer_.length, true);
    connection_ = endpoint.connection;
    hub_.sockets[connection_] = weak_from_this();
    hub_.webSockets.fetch_add(1, std::memory_order_relaxed); // a statistic
    read();
}

void WebSocketSession::read()
{
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
}

void WebSocketSession::onRead(beast::error_code ec)
{
    if (ec == websocket::error::message_too_big) {
        hub_.badMessages.fetch_add(1, std::memory_order_relaxed); // a statistic
        spdlog::debug("web: closed {}: a message larger than an OSC packet may be ({} bytes)",
            peer_.peer().str(), config::oscMaxPacketBytes);
        return; // Beast has sent close 1009 and failed the read
    }
    if (ec)
        return; // closed, reset or timed out: the destructor tells the OSC server
    const auto data = buffer_.cdata();
    std::vector<std::uint8_t> packet;
    if (ws_.got_binary()) {
        packet.assign(static_cast<const std::uint8_t*>(data.data()), static_cast<const std::uint8_t*>(data.data()) + data.size());
    } else if (auto command = oscQueryCommandPacket(std::string_view(static_cast<const char*>(data.data()), data.size()))) {
        packet = std::move(*command); // OSCQuery's LISTEN or IGNORE, as /listen or /ignore
    } else {
        hub_.badMessages.fetch_add(1, std::memory_order_relaxed); // a statistic
        refuse(websocket::close_code::unknown_data,
            "backline's /osc takes OSC packets as binary messages, and OSCQuery's LISTEN and IGNORE as text");
        return;
    }
    buffer_.consume(buffer_.size());
    if (!hub_.osc().webPacket(connection_, std::move(packet)))
        hub_.droppedPackets.fetch_add(1, std::memory_order_relaxed); // a statistic
    read();
}

void WebSocketSession::refuse(websocket::close_code code, const char* why)
{
    if (closing_)
        return;
    closing_ = true;
    ws_.async_close(websocket::close_reason(code, why), [self = shared_from_this()](beast::error_code) {});
}

void WebSocketSession::send(std::shared_ptr<const std::vector<std::uint8_t>> packet)
{
    if (closing_)
        return;
    if (queuedBytes_ + packet->size() > hub_.options().outputLimit) {
        // It does not read: closed hard (a polite close would wait behind what it does not
        // read). The reads and writes under way end with an error and let the session go.
        closing_ = true;
        hub_.slowClosed.fetch_add(1, std::memory_order_relaxed); // a statistic
        spdlog::warn("web: closing {}: it does not read what it is sent ({} bytes waiting)", peer_.peer().str(),
            queuedBytes_);
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        beast::get_lowest_layer(ws_).socket().close(ignored);
        return;
    }
    queuedBytes_ += packet->size();
    queue_.push_back(std::move(packet));
    if (!writing_)
        write();
}

void WebSocketSession::write()
{
    if (queue_.empty() || closing_) {
        writing_ = false;
        return;
    }
    writing_ = true;
    const auto& packet = *queue_.front();
    ws_.async_write(boost::asio::buffer(packet.data(), packet.size()),
        [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->queuedBytes_ -= self->queue_.front()->size();
            self->queue_.pop_front();
            if (ec) {
                self->writing_ = false;
                return;
            }
            self->write();
        });
}

} // namespace backline::control
