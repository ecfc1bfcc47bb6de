// SPDX-License-Identifier: GPL-3.0-or-later
// InputPump: the "midi-in" thread, which drains every open input's inbox into the user's sink.
#pragma once

#include "control/midi/InputWake.h"
#include "control/midi/MidiArrival.h"
#include "control/midi/MidiInbox.h"
#include "core/Result.h"

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace backline::control::midi {

/// Owns the midi-in thread. It sleeps on the wake that every inbox's RtMidi callback posts,
/// then drains each inbox in turn, calling the sink for each whole message: one port's
/// messages in the order they came (ports are not ordered against each other). The sink runs
/// on this thread alone, so it may take its time (a slow sink fills the queues, which then
/// count drops) and may lock; an exception out of it is caught and logged, once.
class InputPump {
public:
    /// What receives the messages [midi-in].
    using Sink = std::function<void(const MidiArrival&)>;

    /// [control] Starts the midi-in thread; an error when the system gives no thread.
    static Result<std::unique_ptr<InputPump>> start(Sink sink, InputCounters& counters);
    /// [control] Stops the thread and waits for it (the sink is not called after this).
    ~InputPump();
    InputPump(const InputPump&) = delete;
    InputPump& operator=(const InputPump&) = delete;

    /// [any] The wake every inbox posts after queueing.
    InputWake& wake() noexcept { return wake_; }

    /// [control] The inboxes to drain from now on. One left out may still be drained once by
    /// a drain under way, which holds it meanwhile.
    void setInboxes(std::vector<std::shared_ptr<MidiInbox>> inboxes);

private:
    InputPump(Sink sink, InputCounters& counters);
    /// [midi-in] The thread's loop.
    void run() noexcept;
    /// [midi-in] Calls the sink, catching what it throws.
    void deliver(const MidiArrival& arrival) noexcept;

    using InboxList = std::vector<std::shared_ptr<MidiInbox>>;
    Sink sink_;
    InputCounters& counters_;
    InputWake wake_;
    std::mutex mutex_; ///< guards inboxes_ (the pointer, not the list: a published list never changes)
    std::shared_ptr<const InboxList> inboxes_;
    std::atomic<bool> stopping_ {false}; // seen by run() after the wake that follows it
    bool sinkFailed_ = false; ///< midi-in thread only: the sink threw once already (logged)
    std::thread thread_;
};

} // namespace backline::control::midi
