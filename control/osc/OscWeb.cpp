// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC server's WebSocket clients: the web thread hands over opens, packets and closes
// (a bounded inbox and the wake eventfd), the OSC thread takes them in order and treats each
// packet like a datagram or a TCP frame; what it sends a web client goes back through the
// WebOutlet.
#include "control/osc/OscServer.h"

#include "control/osc/Timetag.h"

#include <spdlog/spdlog.h>

namespace backline::control {

void OscServer::attachWeb(WebOutlet* outlet)
{
    std::lock_guard lock(webMutex_);
    webOutlet_ = outlet;
}

Endpoint OscServer::openWeb(const sockaddr_storage& peer, socklen_t length, bool authenticated)
{
    Endpoint endpoint;
    endpoint.transport = Transport::Web;
    endpoint.address = peer;
    endpoint.addressLength = length;
    endpoint.connection = nextConnectionId_.fetch_add(1, std::memory_order_relaxed); // a unique number, nothing more
    {
        std::lock_guard lock(webMutex_);
        webInbox_.push_back({WebEvent::Kind::Open, endpoint, authenticated, {}});
    }
    wake();
    return endpoint;
}

bool OscServer::webPacket(std::uint64_t connection, std::vector<std::uint8_t> packet)
{
    {
        std::lock_guard lock(webMutex_);
        if (webInboxBytes_ + packet.size() > config::oscWebInboxBytes) {
            dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
            return false;
        }
        webInboxBytes_ += packet.size();
        Endpoint endpoint;
        endpoint.transport = Transport::Web;
        endpoint.connection = connection;
        webInbox_.push_back({WebEvent::Kind::Packet, endpoint, false, std::move(packet)});
    }
    wake();
    return true;
}

void OscServer::closeWeb(std::uint64_t connection)
{
    {
        std::lock_guard lock(webMutex_);
        Endpoint endpoint;
        endpoint.transport = Transport::Web;
        endpoint.connection = connection;
        webInbox_.push_back({WebEvent::Kind::Close, endpoint, false, {}});
    }
    wake();
}

void OscServer::drainWeb()
{
    std::deque<WebEvent> events;
    {
        std::lock_guard lock(webMutex_);
        events.swap(webInbox_);
        webInboxBytes_ = 0;
    }
    const std::int64_t now = monotonicNowNs();
    for (auto& event : events) {
        const std::uint64_t id = event.endpoint.connection;
        switch (event.kind) {
        case WebEvent::Kind::Open: {
            WebConnection connection;
            connection.endpoint = event.endpoint;
            connection.replyBudget = RateLimit(options_.replyRate, options_.replyRate);
            connection.authenticated = event.authenticated;
            webConnections_.emplace(id, std::move(connection));
            connectedLog_.note(now, event.endpoint.str());
            break;
        }
        case WebEvent::Kind::Packet: {
            auto it = webConnections_.find(id);
            if (it == webConnections_.end())
                break; // closed since
            // The PIN cookie counts as /auth: the client is told so once it is in the table.
            if (it->second.authenticated)
                if (ClientState* client = clients_.touch(it->second.endpoint, now))
                    client->authenticated = true;
            handlePacket(event.packet, it->second.endpoint);
            break;
        }
        case WebEvent::Kind::Close: {
            auto it = webConnections_.find(id);
            if (it == webConnections_.end())
                break;
            disconnectedLog_.note(now, it->second.endpoint.str());
            connectionClosed(id);
            webConnections_.erase(it);
            break;
        }
        }
    }
}

void OscServer::sendWeb(const Endpoint& to, std::span<const std::uint8_t> packet)
{
    const std::int64_t now = monotonicNowNs();
    auto it = webConnections_.find(to.connection);
    if (it == webConnections_.end()) {
        dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        return;
    }
    if (!it->second.replyBudget.take(double(packet.size()), now)) {
        noteRefusedBytes(to, packet.size(), now);
        return;
    }
    auto copy = std::make_shared<const std::vector<std::uint8_t>>(packet.begin(), packet.end());
    std::lock_guard lock(webMutex_);
    if (webOutlet_)
        webOutlet_->deliver(to.connection, std::move(copy));
    else
        dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
}

} // namespace backline::control
