// SPDX-License-Identifier: GPL-3.0-or-later
// One HTTP connection on the web thread: bounded requests within a deadline, each answered in
// this order: the access list (403), the PIN (/auth and its form, 401, 429), a WebSocket
// upgrade to /osc, the hook (OSCQuery), the page's files.
#include "control/web/HttpSession.h"

#include "control/osc/Timetag.h"
#include "control/web/HttpText.h"
#include "control/web/PinForm.h"
#include "control/web/WebSocketSession.h"

#include <boost/beast/websocket.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace backline::control {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

constexpr std::string_view pinCookie = "backline_pin";

HttpSession::Response plain(const HttpSession::Request& request, http::status status, std::string text)
{
    HttpSession::Response response {status, request.version()};
    response.set(http::field::server, "backline");
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    response.body() = std::move(text) + "\n";
    response.prepare_payload();
    return response;
}

HttpSession::Response form(const HttpSession::Request& request, http::status status, std::string_view note)
{
    HttpSession::Response response {status, request.version()};
    response.set(http::field::server, "backline");
    response.set(http::field::content_type, "text/html; charset=utf-8");
    response.set(http::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    response.body() = pinForm(note);
    response.prepare_payload();
    return response;
}

} // namespace

HttpSession::HttpSession(boost::asio::ip::tcp::socket socket, WebHub& hub, PeerSocket peer, ConnectionTicket ticket,
    bool allowed)
    : stream_(std::move(socket))
    , hub_(hub)
    , peer_(peer)
    , ticket_(std::move(ticket))
    , allowed_(allowed)
{
}

void HttpSession::run() { read(); }

void HttpSession::read()
{
    parser_.emplace();
    parser_->header_limit(std::uint32_t(config::webMaxHeaderBytes));
    parser_->body_limit(config::webMaxBodyBytes);
    // One deadline for the whole request from now: an idle keep-alive connection and one that
    // trickles its headers in (slowloris) are closed alike.
    stream_.expires_after(hub_.options().requestTimeout);
    http::async_read(stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
}

void HttpSession::onRead(beast::error_code ec)
{
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == boost::asio::error::operation_aborted
        || ec == boost::asio::error::connection_reset || ec == boost::asio::error::eof)
        return close();
    if (ec) {
        // A request too large or not HTTP: answered once, then the connection is closed (what
        // follows in the stream cannot be trusted to start a request).
        hub_.badRequests.fetch_add(1, std::memory_order_relaxed); // a statistic
        Request bare;
        bare.version(11);
        bare.keep_alive(false);
        auto status = http::status::bad_request;
        std::string why = fmt::format("bad request: {}", ec.message());
        if (ec == http::error::header_limit) {
            status = http::status::request_header_fields_too_large;
            why = fmt::format("the request's headers are larger than {} bytes", config::webMaxHeaderBytes);
        } else if (ec == http::error::body_limit) {
            status = http::status::payload_too_large;
            why = fmt::format("the request's body is larger than {} bytes", config::webMaxBodyBytes);
        }
        auto response = plain(bare, status, why);
        response.keep_alive(false);
        return send(std::move(response));
    }
    Request request = parser_->release();
    if (!allowed_) {
        hub_.forbidden.fetch_add(1, std::memory_order_relaxed); // a statistic
        auto response = plain(request, http::status::forbidden,
            fmt::format("{} may not use this backline (session key osc.allow)", peer_.peer().str()));
        response.keep_alive(false);
        return send(std::move(response));
    }
    if (websocket::is_upgrade(request))
        return upgrade(std::move(request));
    Response response = answer(request);
    if (request.method() == http::verb::head) {
        // What a GET would get, headers only (RFC 9110 9.3.2): the length stays the body's.
        const std::size_t size = response.body().size();
        response.body().clear();
        response.content_length(size);
    }
    send(std::move(response));
}

HttpSession::Response HttpSession::answer(const Request& request)
{
    std::string why;
    const auto target = httptext::parseTarget(request.target(), &why);
    if (!target) {
        hub_.badRequests.fetch_add(1, std::memory_order_relaxed); // a statistic
        return plain(request, http::status::bad_request, why);
    }
    if (target->path == "/auth")
        return answerAuth(request);
    if (!hub_.cookieValid(request[http::field::cookie])) {
        hub_.pinRefused.fetch_add(1, std::memory_order_relaxed); // a statistic
        return form(request, http::status::unauthorized, "");
    }
    if (const HttpHook hook = hub_.hook()) {
        HttpAsk ask {std::string(request.method_string()), target->path, target->query,
            std::string(request[http::field::accept]), request.body()};
        if (auto reply = hook(ask)) {
            Response response {http::status(reply->status), request.version()};
            response.set(http::field::server, "backline");
            response.set(http::field::content_type, reply->contentType);
            for (const auto& [name, value] : reply->headers)
                response.set(name, value);
            response.keep_alive(request.keep_alive());
            response.body() = std::move(reply->body);
            response.prepare_payload();
            return response;
        }
    }
    return answerFile(request, target->path);
}

HttpSession::Response HttpSession::answerAuth(const Request& request)
{
    if (request.method() == http::verb::get || request.method() == http::verb::head)
        return form(request, http::status::ok, "");
    if (request.method() != http::verb::post) {
        hub_.badRequests.fetch_add(1, std::memory_order_relaxed); // a statistic
        auto response = plain(request, http::status::method_not_allowed, "/auth takes GET (the form) or POST (pin=…)");
        response.set(http::field::allow, "GET, HEAD, POST");
        return response;
    }
    const auto pin = httptext::formField(request.body(), "pin");
    if (!pin) {
        hub_.badRequests.fetch_add(1, std::memory_order_relaxed); // a statistic
        return form(request, http::status::bad_request, "Send the PIN as the form's field 'pin'.");
    }
    if (!hub_.pinActive())
        return plain(request, http::status::ok, "no PIN is set");
    const auto verdict = hub_.options().pin->check(peer_.peer(), *pin, monotonicNowNs());
    switch (verdict.verdict) {
    case PinGate::Verdict::Accepted: {
        Response response {http::status::see_other, request.version()};
        response.set(http::field::server, "backline");
        response.set(http::field::location, "/");
        response.set(http::field::cache_control, "no-store");
        response.set(http::field::set_cookie,
            fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict", pinCookie, hub_.issueToken(),
                config::webTokenMaxAge.count()));
        response.keep_alive(request.keep_alive());
        response.prepare_payload();
        spdlog::info("web: {} gave the right PIN", peer_.peer().str());
        return response;
    }
    case PinGate::Verdict::Wrong:
        hub_.pinRefused.fetch_add(1, std::memory_order_relaxed); // a statistic
        return form(request, http::status::unauthorized, "Wrong PIN.");
    case PinGate::Verdict::LockedOut:
        break;
    }
    hub_.pinRefused.fetch_add(1, std::memory_order_relaxed); // a statistic
    spdlog::warn("web: {} is locked out for {} s after too many wrong PINs", peer_.peer().str(),
        verdict.retryAfter.count());
    auto response = form(request, http::status::too_many_requests,
        fmt::format("Too many wrong PINs: try again in {} s.", verdict.retryAfter.count()));
    response.set(http::field::retry_after, std::to_string(verdict.retryAfter.count()));
    return response;
}

HttpSession::Response HttpSession::answerFile(const Request& request, const std::string& path)
{
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        hub_.badRequests.fetch_add(1, std::memory_order_relaxed); // a statistic
        auto response = plain(request, http::status::method_not_allowed, "the page's files take GET and HEAD only");
        response.set(http::field::allow, "GET, HEAD");
        return response;
    }
    auto file = hub_.files().find(path);
    if (!file)
        return plain(request, http::status::not_found, fmt::format("{}: no such file", path));
    Response response {http::status::ok, request.version()};
    response.set(http::field::server, "backline");
    response.set(http::field::content_type, file->contentType);
    // Asked again each time, answered 304 when unchanged: a page updated with backline shows at once.
    response.set(http::field::cache_control, "no-cache");
    response.set(http::field::etag, file->etag);
    response.set("X-Content-Type-Options", "nosniff");
    response.keep_alive(request.keep_alive());
    if (request[http::field::if_none_match] == file->etag) {
        response.result(http::status::not_modified);
        return response;
    }
    response.body() = std::move(file->body);
    response.prepare_payload();
    return response;
}

void HttpSession::upgrade(Request request)
{
    std::string why;
    const auto target = httptext::parseTarget(request.target(), &why);
    // OSCQuery clients open their WebSocket at the HTTP server's root; the page at /osc.
    if (!target || (target->path != "/osc" && target->path != "/")) {
        auto response = plain(request, http::status::not_found, "the WebSocket is at /osc (or /)");
        response.keep_alive(false);
        return send(std::move(response));
    }
    if (!hub_.cookieValid(request[http::field::cookie])) {
        hub_.pinRefused.fetch_add(1, std::memory_order_relaxed); // a statistic
        auto response = plain(request, http::status::unauthorized, "give the PIN first (POST pin=… to /auth)");
        response.keep_alive(false);
        return send(std::move(response));
    }
    auto ticket = std::move(*ticket_);
    ticket_.reset();
    std::make_shared<WebSocketSession>(std::move(stream_), hub_, peer_, std::move(ticket))->run(std::move(request));
}

void HttpSession::send(Response response)
{
    auto shared = std::make_shared<Response>(std::move(response));
    stream_.expires_after(hub_.options().requestTimeout);
    http::async_write(stream_, *shared, [self = shared_from_this(), shared](beast::error_code ec, std::size_t) {
        if (ec || !shared->keep_alive())
            return self->close();
        self->read();
    });
}

void HttpSession::close()
{
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
}

} // namespace backline::control
