// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC server's transport, on its thread: datagrams and TCP frames in (StreamFraming
// decodes either framing), packets out over the transport each client used, paid from its
// reply budget; TCP connections flushed and closed.
#include "control/osc/OscServer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace backline::control {

void OscServer::readUdp()
{
    Endpoint from;
    for (std::size_t i = 0; i < config::oscUdpReadPerTurn; ++i) {
        const long n = udp_.receiveFrom(buffer_, from);
        if (n < 0)
            return;
        handlePacket(std::span(buffer_.data(), std::min(std::size_t(n), buffer_.size())), from);
    }
}

void OscServer::readTcp(TcpConnection& connection)
{
    std::vector<std::vector<std::uint8_t>> packets;
    const bool open = connection.read(packets);
    // Only whole packets count as heard: a byte now and then does not hold a connection open.
    if (!packets.empty())
        connection.lastHeardNs = monotonicNowNs();
    for (const auto& packet : packets) {
        if (connection.closing)
            break; // nothing more will reach it
        handlePacket(packet, connection.endpoint);
    }
    if (!open) {
        if (connection.decoder.framing() != Framing::Unknown && !connection.closing)
            disconnectedLog_.note(monotonicNowNs(), connection.endpoint.str());
        connection.closing = true;
    }
}

void OscServer::connectionClosed(std::uint64_t connection)
{
    clients_.forgetConnection(connection);
    // One at a time, not as one batch: a note of an instrument a reload removed since must not
    // keep the others sounding.
    for (const port::Note& off : heldNotes_.closed(connection))
        (void)control_.play().note(off.track, off.note, 0.0);
}

void OscServer::flushConnections()
{
    for (auto it = connections_.begin(); it != connections_.end();) {
        if (!it->second.output.empty() && !it->second.flush())
            it->second.closing = true;
        if (it->second.closing) {
            connectionClosed(it->first);
            it = connections_.erase(it);
        } else {
            ++it;
        }
    }
}

void OscServer::send(const Endpoint& to, std::span<const std::uint8_t> packet)
{
    // Every packet is paid for from its client's reply budget: over UDP its address's (the
    // source of a datagram can be forged, the destination of the reply cannot be chosen by
    // anyone else), over TCP its connection's.
    const std::int64_t now = monotonicNowNs();
    if (to.transport == Transport::Udp) {
        if (!clients_.takeReplyBytes(to, packet.size(), now))
            noteRefusedBytes(to, packet.size(), now);
        else if (!udp_.sendTo(packet, to))
            dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        return;
    }
    if (to.transport == Transport::Web) {
        sendWeb(to, packet);
        return;
    }
    auto it = connections_.find(to.connection);
    if (it == connections_.end()) {
        dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        return;
    }
    if (!it->second.closing && !it->second.replyBudget.take(double(packet.size()), now)) {
        noteRefusedBytes(to, packet.size(), now);
        return;
    }
    const bool wasClosing = it->second.closing;
    if (!it->second.queue(packet)) {
        dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        if (!wasClosing)
            spdlog::warn("osc: closing {}: it does not read what it is sent ({} bytes waiting)", to.str(),
                it->second.output.size());
    }
}

} // namespace backline::control
