// SPDX-License-Identifier: GPL-3.0-or-later
// What the OSC server pushes without being asked: feedback to subscribers (snapshots, then
// coalesced changes) and meter streams.
#include "control/osc/OscServer.h"

#include <limits>

namespace backline::control {

void OscServer::collectFeedback(std::int64_t nowNs)
{
    if (log_.collect(nowNs, control_.params())) {
        clients_.forEach([](ClientState& c) {
            if (c.feedback.active)
                c.feedback.sentVersion = std::numeric_limits<std::uint64_t>::max(); // marks "snapshot owed"
        });
        snapshotsDue_ = true;
    }
}

void OscServer::sendSnapshot(ClientState& client, std::int64_t nowNs)
{
    // Whatever arrived so far is in the log before the snapshot is read: nothing is lost
    // between the two (a change may come twice, never not at all).
    log_.collect(nowNs, control_.params());
    const auto params = control_.params().all();
    PacketPacker packer(config::oscReplyPacketBytes);
    packer.sequenceWith("/feedback/seq", &client.feedback.sequence);
    packer.add({"/snapshot/begin", {int(params.size())}});
    for (const auto& p : params)
        packer.add({p.info.address, {p.value}});
    packer.add({"/snapshot/end", {int(params.size())}});
    for (const auto& packet : packer.finish())
        send(client.endpoint, packet);
    client.feedback.sentVersion = log_.version();
    client.feedback.lastSentNs = nowNs;
}

void OscServer::sendFeedback(ClientState& client, std::int64_t nowNs)
{
    changes_.clear();
    log_.changesSince(client.feedback.sentVersion, changes_);
    PacketPacker packer(config::oscReplyPacketBytes);
    packer.sequenceWith("/feedback/seq", &client.feedback.sequence);
    for (auto& [address, value] : changes_)
        packer.add({std::move(address), {value}});
    for (const auto& packet : packer.finish())
        send(client.endpoint, packet);
    client.feedback.sentVersion = log_.version();
    client.feedback.lastSentNs = nowNs;
}

void OscServer::sendMeters(ClientState& client)
{
    if (client.meters.layoutSent != meterStream_.layoutId()) {
        sendReplies(client.endpoint, {meterStream_.names()});
        client.meters.layoutSent = meterStream_.layoutId();
    }
    if (client.meters.format == MeterFormat::Blob) {
        OscWriter writer;
        writer.beginBundle();
        const OscReply::Arg seq[] = {int(++client.meters.sequence)};
        writer.message("/meters/seq", seq);
        writer.blobMessage("/meters/blob", meterStream_.blob());
        writer.endBundle();
        send(client.endpoint, writer.bytes());
        return;
    }
    PacketPacker packer(config::oscReplyPacketBytes);
    packer.sequenceWith("/meters/seq", &client.meters.sequence);
    for (const auto& m : meterStream_.messages(client.meters.format))
        packer.add(m);
    for (const auto& packet : packer.finish())
        send(client.endpoint, packet);
}

} // namespace backline::control
