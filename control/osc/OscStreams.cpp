// SPDX-License-Identifier: GPL-3.0-or-later
// What the OSC server pushes to subscribers without being asked, on its thread: feedback
// (snapshots, then coalesced changes; the transport's position and changes, the current
// scene), meter streams and notices, each numbered per client.
#include "control/osc/OscSubscriptions.h"

#include <algorithm>

namespace backline::control {

namespace {

/// A listener's changes go out at most this often (as a subscriber's do by default).
constexpr std::int64_t feedbackIntervalNs = std::int64_t(1e9 / config::oscDefaultFeedbackHz);

} // namespace

void OscSubscriptions::post(const port::Notice& notice)
{
    {
        std::lock_guard lock(noticeMutex_);
        if (notices_.size() >= config::oscMaxPendingNotices) {
            notices_.erase(notices_.begin());
            ++noticesLost_;
            noticesDropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        }
        notices_.push_back(OscReply {notice.address, notice.args});
    }
    wake_();
}

void OscSubscriptions::pushNotices()
{
    std::vector<OscReply> notices;
    std::uint32_t lost = 0;
    {
        std::lock_guard lock(noticeMutex_);
        notices.swap(notices_);
        lost = std::exchange(noticesLost_, 0);
    }
    if (notices.empty())
        return;
    clients_.forEach([&](ClientState& c) {
        if (!c.feedback.active)
            return;
        // The lost ones were older than every one kept: their numbers go first, unsent.
        c.feedback.noticeSequence += lost;
        for (const auto& notice : notices) {
            PacketPacker packer(config::oscReplyPacketBytes);
            packer.sequenceWith("/notice/seq", &c.feedback.noticeSequence);
            packer.add(notice);
            for (const auto& packet : packer.finish())
                sink_.send(c.endpoint, packet);
        }
    });
}

void OscSubscriptions::collect(std::int64_t nowNs)
{
    if (log_.collect(nowNs, control_.params())) {
        clients_.forEach([](ClientState& c) {
            if (c.feedback.active)
                c.feedback.sentVersion = ClientState::Feedback::snapshotOwed;
            if (!c.listens.addresses.empty())
                c.listens.sentVersion = ClientState::Feedback::snapshotOwed;
        });
        snapshotsDue_ = true;
    }
}

void OscSubscriptions::push(std::int64_t nowNs)
{
    bool metersDue = false;
    const std::uint64_t version = log_.version();
    clients_.forEach([&](ClientState& c) {
        if (c.feedback.active) {
            if (c.feedback.sentVersion == ClientState::Feedback::snapshotOwed)
                sendSnapshot(c, nowNs);
            else if (version > c.feedback.sentVersion && nowNs >= c.feedback.lastSentNs + c.feedback.intervalNs)
                sendFeedback(c, nowNs);
        }
        if (!c.listens.addresses.empty() && !c.feedback.active
            && (c.listens.sentVersion == ClientState::Feedback::snapshotOwed
                || (version > c.listens.sentVersion && nowNs >= c.listens.lastSentNs + feedbackIntervalNs)))
            sendListened(c, nowNs);
        metersDue = metersDue || (c.meters.active && nowNs >= c.meters.nextNs);
    });
    snapshotsDue_ = false;
    if (nowNs >= transportFeed_.nextPollNs())
        sendShowFeeds(nowNs);
    if (!metersDue)
        return;
    meterStream_.update(control_.meters());
    clients_.forEach([&](ClientState& c) {
        if (c.meters.active && nowNs >= c.meters.nextNs) {
            sendMeters(c);
            c.meters.nextNs = std::max(c.meters.nextNs + c.meters.intervalNs, nowNs + c.meters.intervalNs / 2);
        }
    });
}

std::int64_t OscSubscriptions::nextDeadline(std::int64_t deadline) const
{
    deadline = std::min(deadline, log_.nextDueNs());
    const std::uint64_t version = log_.version();
    bool subscribed = false;
    clients_.forEach([&](ClientState& c) {
        if (c.feedback.active) {
            subscribed = true;
            deadline = std::min(deadline, c.feedback.untilNs);
            if (version > c.feedback.sentVersion)
                deadline = std::min(deadline, c.feedback.lastSentNs + c.feedback.intervalNs);
        }
        if (c.meters.active)
            deadline = std::min({deadline, c.meters.untilNs, c.meters.nextNs});
        if (!c.listens.addresses.empty() && !c.feedback.active && version > c.listens.sentVersion)
            deadline = std::min(deadline, c.listens.lastSentNs + feedbackIntervalNs);
    });
    if (subscribed)
        deadline = std::min(deadline, transportFeed_.nextPollNs());
    return deadline;
}

void OscSubscriptions::sendSnapshot(ClientState& client, std::int64_t nowNs)
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
        sink_.send(client.endpoint, packet);
    client.feedback.sentVersion = log_.version();
    client.feedback.lastSentNs = nowNs;
}

void OscSubscriptions::sendFeedback(ClientState& client, std::int64_t nowNs)
{
    changes_.clear();
    log_.changesSince(client.feedback.sentVersion, changes_);
    PacketPacker packer(config::oscReplyPacketBytes);
    packer.sequenceWith("/feedback/seq", &client.feedback.sequence);
    for (auto& [address, value] : changes_)
        packer.add({std::move(address), {value}});
    for (const auto& packet : packer.finish())
        sink_.send(client.endpoint, packet);
    client.feedback.sentVersion = log_.version();
    client.feedback.lastSentNs = nowNs;
}

void OscSubscriptions::sendShowFeeds(std::int64_t nowNs)
{
    auto messages = transportFeed_.poll(nowNs);
    if (auto scene = sceneFeed_.poll())
        messages.push_back(std::move(*scene));
    if (auto arrangement = arrangementFeed_.poll())
        messages.push_back(std::move(*arrangement));
    if (messages.empty())
        return;
    clients_.forEach([&](ClientState& c) {
        if (!c.feedback.active)
            return;
        PacketPacker packer(config::oscReplyPacketBytes);
        packer.sequenceWith("/feedback/seq", &c.feedback.sequence);
        for (const auto& m : messages)
            packer.add(m);
        for (const auto& packet : packer.finish())
            sink_.send(c.endpoint, packet);
    });
}

void OscSubscriptions::sendMeters(ClientState& client)
{
    if (client.meters.layoutSent != meterStream_.layoutId()) {
        sink_.sendReplies(client.endpoint, {meterStream_.names()});
        client.meters.layoutSent = meterStream_.layoutId();
    }
    if (client.meters.format == MeterFormat::Blob) {
        OscWriter writer;
        writer.beginBundle();
        const OscReply::Arg seq[] = {int(++client.meters.sequence)};
        writer.message("/meters/seq", seq);
        writer.blobMessage("/meters/blob", meterStream_.blob());
        writer.endBundle();
        sink_.send(client.endpoint, writer.bytes());
        return;
    }
    PacketPacker packer(config::oscReplyPacketBytes);
    packer.sequenceWith("/meters/seq", &client.meters.sequence);
    for (const auto& m : meterStream_.messages(client.meters.format))
        packer.add(m);
    for (const auto& packet : packer.finish())
        sink_.send(client.endpoint, packet);
}

} // namespace backline::control
