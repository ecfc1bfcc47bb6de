// SPDX-License-Identifier: GPL-3.0-or-later
// HTTP over raw sockets for the web server's tests.
#include "HttpProbe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace backline::test {

int connectTo(int port, const std::string& local)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_in from {};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, local.c_str(), &from.sin_addr);
    sockaddr_in to {};
    to.sin_family = AF_INET;
    to.sin_port = htons(std::uint16_t(port));
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0
        || ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

namespace {

/// Reads into out until the peer closes or the deadline; true when it closed.
bool readAll(int fd, std::string& out, std::chrono::steady_clock::time_point deadline)
{
    char buffer[65536];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        pollfd p {fd, POLLIN, 0};
        if (::poll(&p, 1, int(left.count())) <= 0)
            continue;
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            return true;
        out.append(buffer, std::size_t(n));
    }
}

void parse(HttpReply& reply)
{
    const std::string& raw = reply.raw;
    const auto end = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.", 0) != 0 || end == std::string::npos)
        return;
    reply.status = std::atoi(raw.c_str() + 9);
    std::size_t line = raw.find("\r\n") + 2;
    while (line < end) {
        const auto next = raw.find("\r\n", line);
        const auto colon = raw.find(':', line);
        if (colon != std::string::npos && colon < next) {
            std::string name = raw.substr(line, colon - line);
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
            std::string value = raw.substr(colon + 1, next - colon - 1);
            value.erase(0, value.find_first_not_of(' '));
            reply.headers[name] = value;
        }
        line = next + 2;
    }
    std::size_t length = raw.size() - end - 4;
    if (auto it = reply.headers.find("content-length"); it != reply.headers.end())
        length = std::min<std::size_t>(length, std::stoul(it->second));
    reply.body = raw.substr(end + 4, length);
}

} // namespace

HttpReply exchange(int port, const std::string& bytes, std::chrono::milliseconds timeout, const std::string& local)
{
    HttpReply reply;
    const int fd = connectTo(port, local);
    if (fd < 0)
        return reply;
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += std::size_t(n);
    }
    reply.closed = readAll(fd, reply.raw, std::chrono::steady_clock::now() + timeout);
    ::close(fd);
    parse(reply);
    return reply;
}

HttpReply request(int port, const std::string& method, const std::string& target, const std::string& headers,
    const std::string& body, const std::string& local)
{
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers;
    if (!body.empty())
        text += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + std::to_string(body.size())
            + "\r\n";
    text += "\r\n" + body;
    return exchange(port, text, std::chrono::seconds(5), local);
}

int upgradeStatus(int port, const std::string& cookie, const std::string& target, const std::string& local)
{
    std::string text = "GET " + target
        + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (!cookie.empty())
        text += "Cookie: " + cookie + "\r\n";
    text += "\r\n";
    return exchange(port, text, std::chrono::seconds(2), local).status;
}

bool closedWithin(int fd, std::chrono::milliseconds timeout)
{
    std::string ignored;
    return readAll(fd, ignored, std::chrono::steady_clock::now() + timeout);
}

} // namespace backline::test
