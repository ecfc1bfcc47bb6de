// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to control/web, and one of its few files that include Beast (they compile slowly).
#include "control/web/WebHub.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>

namespace backline::control {

/// One HTTP connection on the web thread: reads requests (bounded, within a deadline), answers
/// each (access list, PIN, the hook, the page's files) and keeps the connection for the next;
/// a WebSocket upgrade to `/osc` becomes a WebSocketSession that takes the connection over. [web]
class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    using Request = boost::beast::http::request<boost::beast::http::string_body>;
    using Response = boost::beast::http::response<boost::beast::http::string_body>;

    /// allowed: whether the peer passed the access list (else every request is answered 403).
    HttpSession(boost::asio::ip::tcp::socket socket, WebHub& hub, PeerSocket peer, ConnectionTicket ticket,
        bool allowed);
    /// Starts reading the first request.
    void run();

private:
    void read();
    void onRead(boost::beast::error_code ec);
    /// The answer to one request (not an upgrade).
    Response answer(const Request& request);
    Response answerAuth(const Request& request);
    Response answerFile(const Request& request, const std::string& path);
    void upgrade(Request request);
    void send(Response response);
    void close();

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    WebHub& hub_;
    PeerSocket peer_;
    std::optional<ConnectionTicket> ticket_;
    bool allowed_;
};

} // namespace backline::control
