// SPDX-License-Identifier: GPL-3.0-or-later
// The tests' WebSocket client, on Boost.Beast: the only test file that includes it.
#include "WsClient.h"

#include "control/osc/OscWriter.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>

namespace backline::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct WsClient::Impl {
    asio::io_context io;
    websocket::stream<beast::tcp_stream> ws {io};
    beast::flat_buffer buffer;
    std::deque<RawMessage> inbox;
    bool reading = false;
    bool closed = false;
    bool accepted = false;
    int status = 0;
    int closeCode = 0;
    std::uint64_t packets = 0;

    void startRead()
    {
        if (reading || closed)
            return;
        reading = true;
        ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
            reading = false;
            if (ec) {
                closed = true;
                closeCode = int(ws.reason().code);
                return;
            }
            const auto data = buffer.cdata();
            for (auto& m : decodeOscPacket(
                     std::span(static_cast<const std::uint8_t*>(data.data()), data.size()), nowNs(), ++packets))
                inbox.push_back(std::move(m));
            buffer.consume(buffer.size());
            startRead();
        });
    }

    /// Runs the loop until done() or the timeout.
    template <typename Done>
    bool runUntil(Done done, std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            if (std::chrono::steady_clock::now() >= deadline)
                return false;
            io.restart();
            io.run_for(std::chrono::milliseconds(20));
        }
        return true;
    }

    bool write(std::span<const std::uint8_t> bytes, bool text)
    {
        if (closed || !accepted)
            return false;
        bool done = false;
        beast::error_code result;
        ws.text(text);
        ws.async_write(asio::buffer(bytes.data(), bytes.size()), [&](beast::error_code ec, std::size_t) {
            result = ec;
            done = true;
        });
        runUntil([&] { return done; }, std::chrono::seconds(10));
        ws.binary(true);
        return done && !result;
    }
};

WsClient::WsClient(int port)
    : WsClient(port, Options {})
{
}

WsClient::WsClient(int port, Options options)
    : impl_(std::make_unique<Impl>())
{
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(impl_->ws).socket();
    socket.open(tcp::v4(), ec);
    if (options.receiveBuffer > 0)
        socket.set_option(asio::socket_base::receive_buffer_size(options.receiveBuffer), ec);
    socket.bind(tcp::endpoint(asio::ip::make_address(options.local), 0), ec);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), std::uint16_t(port)), ec);
    if (ec) {
        impl_->closed = true;
        return;
    }
    impl_->ws.set_option(websocket::stream_base::decorator([cookie = options.cookie](websocket::request_type& r) {
        if (!cookie.empty())
            r.set(http::field::cookie, cookie);
    }));
    impl_->ws.read_message_max(16 << 20);
    websocket::response_type response;
    impl_->ws.handshake(response, "localhost", options.target, ec);
    impl_->status = int(response.result_int());
    impl_->accepted = !ec;
    impl_->closed = bool(ec);
    impl_->ws.binary(true);
}

WsClient::~WsClient()
{
    beast::error_code ignored;
    beast::get_lowest_layer(impl_->ws).socket().close(ignored);
}

int WsClient::handshakeStatus() const { return impl_->status; }

bool WsClient::open() const { return impl_->accepted && !impl_->closed; }

bool WsClient::send(const std::string& address, std::vector<control::OscReply::Arg> args)
{
    control::OscWriter writer;
    writer.message(address, args);
    return sendBinary(writer.bytes());
}

bool WsClient::sendBinary(std::span<const std::uint8_t> bytes) { return impl_->write(bytes, false); }

bool WsClient::sendText(const std::string& text)
{
    return impl_->write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), true);
}

std::optional<RawMessage> WsClient::receive(std::chrono::milliseconds timeout)
{
    impl_->startRead();
    if (!impl_->runUntil([&] { return !impl_->inbox.empty() || impl_->closed; }, timeout) || impl_->inbox.empty())
        return std::nullopt;
    RawMessage m = std::move(impl_->inbox.front());
    impl_->inbox.pop_front();
    return m;
}

std::optional<RawMessage> WsClient::receiveAddress(const std::string& address, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return std::nullopt;
        auto m = receive(left);
        if (!m)
            return std::nullopt;
        if (m->address == address)
            return m;
    }
}

bool WsClient::closedWithin(std::chrono::milliseconds timeout, int* code)
{
    impl_->startRead();
    impl_->runUntil([&] { return impl_->closed; }, timeout);
    if (code)
        *code = impl_->closeCode;
    return impl_->closed;
}

} // namespace backline::test
