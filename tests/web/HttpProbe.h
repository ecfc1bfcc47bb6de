// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <map>
#include <string>

/// HTTP over a raw socket for the web server's tests: any bytes, exactly as given (a bad
/// target, huge headers, half a request), and the answer parsed. No Beast: it builds fast.
namespace backline::test {

/// One answer: status line, headers (names lower-cased), body; closed when the server
/// closed the connection after it.
struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
    bool closed = false;
    std::string raw; ///< everything read
};

/// Sends bytes on a new connection from local to 127.0.0.1:port and reads until the server
/// closes it or timeout passes; parses the first answer.
HttpReply exchange(int port, const std::string& bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5),
    const std::string& local = "127.0.0.1");

/// A whole request (method, target, extra header lines each ending in "\r\n", body), with
/// Connection: close.
HttpReply request(int port, const std::string& method, const std::string& target, const std::string& headers = {},
    const std::string& body = {}, const std::string& local = "127.0.0.1");

/// The status of the answer to a WebSocket upgrade to target (with the Cookie header's value
/// cookie, when given); 0 when none came. For refusals: an accepted upgrade is held open.
int upgradeStatus(int port, const std::string& cookie = {}, const std::string& target = "/osc",
    const std::string& local = "127.0.0.1");

/// A connected TCP socket from local to 127.0.0.1:port (-1 when it failed).
int connectTo(int port, const std::string& local = "127.0.0.1");
/// Whether the server closed fd within timeout (reading and discarding what comes).
bool closedWithin(int fd, std::chrono::milliseconds timeout);

} // namespace backline::test
