// SPDX-License-Identifier: GPL-3.0-or-later
// The web surface's reading of what arrives over HTTP and the WebSocket: request targets,
// cookies and PIN forms, OSCQuery's questions and its LISTEN/IGNORE commands, and the
// WebSocket's frames themselves through Beast, set up as WebSocketSession sets it up.
#include "FuzzHarnesses.h"

#include "control/osc/OscPacket.h"
#include "control/oscquery/OscQueryTree.h"
#include "control/web/HttpText.h"
#include "control/web/OscQueryCommand.h"
#include "control/web/WebConfig.h"

#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace backline::fuzz {

namespace {

/// A desk's worth of parameters for the OSCQuery tree (names with spaces and Unicode too).
const control::oscquery::OscQueryTree& tree()
{
    static const control::oscquery::OscQueryTree instance = [] {
        std::vector<port::ParamState> params;
        for (const char* track : {"kick", "lead vox", "chœur"})
            for (const char* name : {"gain", "pan", "eq/low/freq"}) {
                port::ParamState p;
                p.info.address = std::string("/track/") + track + "/" + name;
                p.info.unit = "dB";
                p.info.min = -120.0f;
                p.info.max = 12.0f;
                p.value = -6.0f;
                params.push_back(p);
            }
        return control::oscquery::OscQueryTree(params, control::oscRoutes());
    }();
    return instance;
}

/// A path parseTarget let through must not name anything outside the page's folder.
bool safePath(const std::string& path)
{
    if (path.empty() || path[0] != '/')
        return false;
    if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos
        || path.find("//") != std::string::npos)
        return false;
    std::string_view rest(path);
    while (!rest.empty()) {
        rest.remove_prefix(1); // the '/'
        const auto slash = rest.find('/');
        const auto segment = rest.substr(0, slash);
        if (segment == "." || segment == "..")
            return false;
        if (slash == std::string_view::npos)
            break;
        rest.remove_prefix(slash);
    }
    return true;
}

/// The value of header name (case as sent) in head, or empty.
std::string_view header(std::string_view head, std::string_view name)
{
    const auto at = head.find(name);
    if (at == std::string_view::npos)
        return {};
    auto value = head.substr(at + name.size());
    return value.substr(0, value.find("\r\n"));
}

void request(std::string_view text)
{
    // "METHOD TARGET HTTP/1.1\r\nheaders\r\n\r\nbody", split as loosely as the bytes allow.
    const auto headEnd = text.find("\r\n\r\n");
    const std::string_view head = text.substr(0, headEnd);
    const std::string_view body = headEnd == std::string_view::npos ? std::string_view() : text.substr(headEnd + 4);
    const auto firstSpace = head.find(' ');
    std::string_view target = firstSpace == std::string_view::npos ? head : head.substr(firstSpace + 1);
    target = target.substr(0, target.find_first_of(" \r\n"));

    std::string why;
    if (const auto parsed = control::httptext::parseTarget(target, &why)) {
        if (!safePath(parsed->path))
            std::abort(); // a path out of the page's folder got through
        const control::oscquery::HostInfo host {"backline: fuzz", 9000, 8080, true};
        const auto answer = tree().answer(parsed->path, parsed->query, host);
        if (answer.status != 200 && answer.status != 204 && answer.status != 400 && answer.status != 404)
            std::abort();
        if ((answer.status == 204) != answer.body.empty())
            std::abort();
        if (!answer.body.empty() && nlohmann::json::parse(answer.body, nullptr, false).is_discarded())
            std::abort(); // OSCQuery answers are JSON, always
        (void)tree().contains(parsed->path);
    } else if (why.empty()) {
        std::abort(); // a refusal says why
    }
    (void)control::httptext::cookie(header(head, "Cookie: "), "backline_pin");
    (void)control::httptext::formField(body, "pin");
    (void)control::httptext::formDecode(body);
}

void command(std::string_view text)
{
    const auto packet = control::oscQueryCommandPacket(text);
    if (!packet)
        return;
    // What the WebSocket hands the OSC server must be the one message it stands for.
    const auto parsed = control::parsePacket(*packet);
    if (parsed.error || parsed.bundle || parsed.messages.size() != 1)
        std::abort();
    const auto& m = parsed.messages.front();
    if ((m.address != "/listen" && m.address != "/ignore") || m.types != "s")
        std::abort();
}

/// Bytes a browser could send once its WebSocket at /osc is open (frames: masked or not,
/// fragmented, control frames, closes, lengths of any size), read by Beast with the session's
/// limits, each message handled as the session handles it.
void frames(std::string_view bytes)
{
    namespace beast = boost::beast;
    namespace websocket = beast::websocket;
    static constexpr std::string_view upgrade =
        "GET /osc HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    boost::asio::io_context io;
    beast::test::stream server(io, std::string(upgrade) + std::string(bytes));
    beast::test::stream client(io); // takes what the server writes (the handshake, pongs, closes)
    server.connect(client);
    client.close(); // after the bytes, the server reads the end of the stream
    websocket::stream<beast::test::stream&> ws(server);
    ws.read_message_max(config::oscMaxPacketBytes);
    ws.binary(true);
    beast::error_code ec;
    ws.accept(ec);
    if (ec)
        std::abort(); // the handshake is a browser's own
    beast::flat_buffer buffer;
    for (;;) {
        ws.read(buffer, ec);
        if (ec)
            return; // closed, refused (1002, 1009, …) or the end: the session ends the same way
        if (buffer.size() > config::oscMaxPacketBytes)
            std::abort(); // a message over the limit reached backline
        const auto data = buffer.cdata();
        const std::string_view message(static_cast<const char*>(data.data()), data.size());
        if (ws.got_binary()) {
            const std::vector<std::uint8_t> packet(message.begin(), message.end());
            (void)control::parsePacket(packet);
        } else {
            command(message);
        }
        buffer.consume(buffer.size());
    }
}

} // namespace

int fuzzWeb(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 3) {
    case 0:
        request(text);
        break;
    case 1:
        command(text);
        break;
    default:
        frames(text);
        break;
    }
    return 0;
}

} // namespace backline::fuzz
