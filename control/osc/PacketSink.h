// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ClientTable.h"
#include "control/osc/OscConfig.h"
#include "control/osc/OscWriter.h"

#include <cstdint>
#include <span>
#include <vector>

namespace backline::control {

/// Where the OSC server's outgoing packets go: to a client over the transport it talks over,
/// paid from its reply budget (OscServer's transport). [osc]
class PacketSink {
public:
    /// Sends one packet to `to`; one over the budget or undeliverable is counted, not sent.
    virtual void send(const Endpoint& to, std::span<const std::uint8_t> packet) = 0;

    /// Packs replies into packets (bundles of at most config::oscReplyPacketBytes) and sends them.
    void sendReplies(const Endpoint& to, std::vector<OscReply> replies)
    {
        if (replies.empty())
            return;
        PacketPacker packer(config::oscReplyPacketBytes);
        for (auto& reply : replies)
            packer.add(std::move(reply));
        for (const auto& packet : packer.finish())
            send(to, packet);
    }

protected:
    ~PacketSink() = default;
};

} // namespace backline::control
