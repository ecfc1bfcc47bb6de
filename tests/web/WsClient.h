// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "RawOscClient.h"

#include "control/osc/OscReply.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

/// A WebSocket client of backline's /osc for tests (Boost.Beast, in this file's .cpp alone):
/// OSC packets as binary messages out, every message in decoded (bundles unpacked). It reads
/// only while a receive call waits, so a test can play a browser that stopped reading.
namespace backline::test {

class WsClient {
public:
    struct Options {
        std::string cookie;           ///< the Cookie header's value; empty: none
        std::string target = "/osc";
        std::string local = "127.0.0.1";
        int receiveBuffer = 0;        ///< SO_RCVBUF before connecting (0: the kernel's)
    };
    /// Connects to 127.0.0.1:port and asks for the upgrade.
    WsClient(int port, Options options);
    explicit WsClient(int port);
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    /// The status of the answer to the upgrade: 101 when it was accepted.
    int handshakeStatus() const;
    bool open() const;

    /// Sends one OSC message as one binary message.
    bool send(const std::string& address, std::vector<control::OscReply::Arg> args = {});
    /// Sends bytes as one binary message.
    bool sendBinary(std::span<const std::uint8_t> bytes);
    /// Sends text as one text message.
    bool sendText(const std::string& text);

    /// The next message within timeout.
    std::optional<RawMessage> receive(std::chrono::milliseconds timeout = std::chrono::seconds(2));
    /// The first message at address within timeout (others are discarded).
    std::optional<RawMessage> receiveAddress(const std::string& address,
        std::chrono::milliseconds timeout = std::chrono::seconds(2));
    /// Whether the server closed the WebSocket within timeout (reading what comes meanwhile);
    /// the close code it gave, when it gave one, in *code.
    bool closedWithin(std::chrono::milliseconds timeout, int* code = nullptr);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace backline::test
