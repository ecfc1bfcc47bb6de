// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ClientTable.h"
#include "control/osc/FeedbackLog.h"
#include "control/osc/LogThrottle.h"
#include "control/osc/MeterStream.h"
#include "control/osc/OscRoutes.h"
#include "control/osc/PacketSink.h"
#include "control/osc/PinGate.h"
#include "control/osc/SceneFeed.h"
#include "control/osc/ArrangementFeed.h"
#include "control/osc/TransportFeed.h"
#include "port/ControlPort.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace backline::control {

/// The OSC server's subscribers: the per-client routes that start and end subscriptions
/// (/subscribe, /snapshot, /meters/subscribe, …: RouteThread::OscWithClient in OscRoutes.cpp),
/// and what subscribers are sent unasked — feedback (a snapshot first, then coalesced changes;
/// the transport's position and changes, TransportFeed; the current scene, SceneFeed), meter
/// streams and notices, each
/// numbered per client so a gap shows a loss. Lives on the
/// OSC thread, but for post() and the listener (any thread).
class OscSubscriptions {
public:
    /// wake is called (on any thread) when news arrive for the OSC thread; packets go to sink.
    OscSubscriptions(port::ControlPort& control, ClientTable& clients, PacketSink& sink, std::function<void()> wake);
    OscSubscriptions(const OscSubscriptions&) = delete;
    OscSubscriptions& operator=(const OscSubscriptions&) = delete;

    /// The listener to register on the control port: parameter changes and notices.
    port::ChangeListener& listener() noexcept { return log_; }

    /// [any; must not wait] Queues a notice (recorder events, DSP faults, …) for every live
    /// subscriber, sent by the OSC thread on its next pass. Bounded: past
    /// config::oscMaxPendingNotices waiting, the oldest is dropped, counted, and leaves a gap in
    /// every subscriber's notice numbers.
    void post(const port::Notice& notice);
    /// [any] Notices dropped unsent so far.
    std::uint64_t noticesDropped() const noexcept { return noticesDropped_.load(std::memory_order_relaxed); }

    /// [osc] Sends the queued notices to every live subscriber, each in a packet of its own led
    /// by `/notice/seq i:n`.
    void pushNotices();
    /// [osc] Takes in the parameter changes that arrived; after a reset (a reload) every
    /// subscriber is owed a snapshot.
    void collect(std::int64_t nowNs);
    /// [osc] Whether a subscriber is owed a snapshot now.
    bool snapshotsDue() const noexcept { return snapshotsDue_; }
    /// [osc] Sends what is due by nowNs: snapshots, feedback, meter readings.
    void push(std::int64_t nowNs);
    /// [osc] When something falls due next, if earlier than deadline.
    std::int64_t nextDeadline(std::int64_t deadline) const;
    /// [osc] Writes the throttled "subscribed" log line when due.
    void pollLog(std::int64_t nowNs) { subscribedLog_.poll(nowNs); }
    /// [osc, or once the OSC thread is gone] Writes what the log line counted so far.
    void flushLog() { subscribedLog_.flush(); }
    /// [control, before the OSC thread starts] The PIN `/auth` checks (none: every PIN is right).
    void setPin(std::shared_ptr<PinGate> pin) { pin_ = std::move(pin); }

private:
    friend std::span<const OscRoute> oscRoutes();

    // Route handlers (OscSubscriptions.cpp), named by the table and called through it only.
    void subscribe(OscCall& call);
    void unsubscribe(OscCall& call);
    void snapshot(OscCall& call);
    void subscribeMeters(OscCall& call);
    void unsubscribeMeters(OscCall& call);
    void meterNames(OscCall& call);
    // Listening to single parameters (OscListens.cpp).
    void listen(OscCall& call);
    void ignore(OscCall& call);
    /// `/auth s:pin` (OscAuth.cpp): marks the client as having given the PIN.
    void auth(OscCall& call);

    // What is pushed (OscStreams.cpp).
    void sendSnapshot(ClientState& client, std::int64_t nowNs);
    void sendFeedback(ClientState& client, std::int64_t nowNs);
    void sendMeters(ClientState& client);
    /// [osc] To a listener: the changes of its addresses since it was last sent them (or, when
    /// owed, their values), as plain messages.
    void sendListened(ClientState& client, std::int64_t nowNs);
    /// [osc] The transport's and the current scene's news (TransportFeed, SceneFeed), to every subscriber.
    void sendShowFeeds(std::int64_t nowNs);

    port::ControlPort& control_;
    ClientTable& clients_;
    PacketSink& sink_;
    std::function<void()> wake_;
    FeedbackLog log_;

    mutable std::mutex noticeMutex_; // guards notices_ and noticesLost_ (posting threads vs the OSC thread)
    std::vector<OscReply> notices_;
    std::uint32_t noticesLost_ = 0; // dropped since the last pass: numbers every subscriber skips
    std::atomic<std::uint64_t> noticesDropped_ {0};

    // The OSC thread's own.
    MeterStream meterStream_;
    TransportFeed transportFeed_;
    SceneFeed sceneFeed_;
    ArrangementFeed arrangementFeed_;
    std::vector<std::pair<std::string, float>> changes_;
    bool snapshotsDue_ = false;
    LogThrottle subscribedLog_;
    std::shared_ptr<PinGate> pin_;
};

} // namespace backline::control
