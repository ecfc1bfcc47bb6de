// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to control/web, and one of its few files that include Beast (they compile slowly).
#include "control/web/WebHub.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <memory>
#include <vector>

namespace backline::control {

/// One WebSocket on `/osc`, on the web thread: one OSC client of the OSC server. Each binary
/// message read is one OSC packet handed to the OSC thread; each packet the OSC server sends
/// this client goes out as one binary message, queued up to WebServerOptions::outputLimit
/// bytes (past it the connection is closed: a browser that does not read must not hold the
/// server). A text message or one larger than an OSC packet may be closes it (1003, 1009). [web]
class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
public:
    using Request = boost::beast::http::request<boost::beast::http::string_body>;

    WebSocketSession(boost::beast::tcp_stream stream, WebHub& hub, PeerSocket peer, ConnectionTicket ticket);
    /// Tells the OSC server it is gone.
    ~WebSocketSession();
    /// Accepts the upgrade request, then reads.
    void run(Request request);
    /// Queues one packet from the OSC server.
    void send(std::shared_ptr<const std::vector<std::uint8_t>> packet);

private:
    void onAccept(boost::beast::error_code ec);
    void read();
    void onRead(boost::beast::error_code ec);
    void write();
    void refuse(boost::beast::websocket::close_code code, const char* why);

    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
    boost::beast::flat_buffer buffer_;
    WebHub& hub_;
    PeerSocket peer_;
    ConnectionTicket ticket_;
    std::uint64_t connection_ = 0; ///< the OSC server's id for it; 0 until accepted
    std::deque<std::shared_ptr<const std::vector<std::uint8_t>>> queue_;
    std::size_t queuedBytes_ = 0;
    bool writing_ = false;
    bool closing_ = false;
};

} // namespace backline::control
