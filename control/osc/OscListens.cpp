// SPDX-License-Identifier: GPL-3.0-or-later
// Listening to single parameters (/listen, /ignore: what OSCQuery's LISTEN and IGNORE become),
// on the OSC thread. A listener is a client of a connection (TCP, WebSocket): it lives as long
// as the connection, so it needs no lease, and it is sent its addresses' changes as plain
// messages, which is all an OSCQuery client understands.
#include "control/osc/OscSubscriptions.h"

#include "control/osc/OscArg.h"
#include "control/osc/OscDispatcher.h"
#include "control/osc/OscPacket.h"

#include <fmt/format.h>

#include <algorithm>

namespace backline::control {

namespace {

/// The address argument of /listen or /ignore, or nullptr (with an /error) when there is none.
const char* addressArgument(OscCall& call)
{
    if (call.argc != 1 || (call.types[0] != LO_STRING && call.types[0] != LO_SYMBOL)) {
        call.out.push_back(errorReply(call.address, "takes one string: a parameter's address"));
        return nullptr;
    }
    return oscArgString(call.argv[0]);
}

} // namespace

void OscSubscriptions::listen(OscCall& call)
{
    ClientState& client = *call.client;
    const char* address = addressArgument(call);
    if (!address)
        return;
    if (client.endpoint.transport == Transport::Udp) {
        // Over UDP nothing tells the server a client has gone: a listen would last forever.
        call.out.push_back(errorReply(call.address,
            "listens need a connection (TCP or the web surface's WebSocket); over UDP, /subscribe"));
        return;
    }
    const auto param = control_.params().get(address);
    if (!param) {
        call.out.push_back(errorReply(call.address, fmt::format("no parameter {}", printableAddress(address))));
        return;
    }
    auto& listens = client.listens;
    if (std::find(listens.addresses.begin(), listens.addresses.end(), address) == listens.addresses.end()) {
        if (listens.addresses.size() >= config::oscMaxListens) {
            call.out.push_back(errorReply(call.address,
                fmt::format("listens to {} parameters already: /ignore some first", config::oscMaxListens)));
            return;
        }
        if (listens.addresses.empty())
            listens.sentVersion = log_.version(); // changes from now on; the value now is the reply
        listens.addresses.emplace_back(address);
    }
    call.out.push_back(OscReply {param->info.address, {param->value}});
}

void OscSubscriptions::ignore(OscCall& call)
{
    const char* address = addressArgument(call);
    if (!address)
        return;
    auto& addresses = call.client->listens.addresses;
    std::erase(addresses, std::string_view(address));
}

void OscSubscriptions::sendListened(ClientState& client, std::int64_t nowNs)
{
    auto& listens = client.listens;
    PacketPacker packer(config::oscReplyPacketBytes);
    if (listens.sentVersion == ClientState::Feedback::snapshotOwed) {
        // After a reload: the values now, and addresses the new session has not are let go.
        std::erase_if(listens.addresses, [&](const std::string& address) {
            const auto param = control_.params().get(address);
            if (param)
                packer.add({address, {param->value}});
            return !param;
        });
    } else {
        changes_.clear();
        log_.changesSince(listens.sentVersion, changes_);
        for (auto& [address, value] : changes_)
            if (std::find(listens.addresses.begin(), listens.addresses.end(), address) != listens.addresses.end())
                packer.add({std::move(address), {value}});
    }
    for (const auto& packet : packer.finish())
        sink_.send(client.endpoint, packet);
    listens.sentVersion = log_.version();
    listens.lastSentNs = nowNs;
}

} // namespace backline::control
