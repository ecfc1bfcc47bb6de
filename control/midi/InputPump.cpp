// SPDX-License-Identifier: GPL-3.0-or-later
// InputPump: the midi-in thread's loop, and its start and stop ([control]).
#include "control/midi/InputPump.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <system_error>
#include <utility>

namespace backline::control::midi {

InputPump::InputPump(Sink sink, InputCounters& counters)
    : sink_(std::move(sink))
    , counters_(counters)
    , inboxes_(std::make_shared<const InboxList>())
{
}

Result<std::unique_ptr<InputPump>> InputPump::start(Sink sink, InputCounters& counters)
{
    std::unique_ptr<InputPump> pump(new InputPump(std::move(sink), counters));
    try {
        pump->thread_ = std::thread([p = pump.get()] { p->run(); });
    } catch (const std::system_error& e) {
        return makeError(ErrorCode::Midi, std::string("cannot start the midi-in thread: ") + e.what());
    }
    return pump;
}

InputPump::~InputPump()
{
    stopping_.store(true, std::memory_order_relaxed); // ordered before run()'s load by the wake's exchange
    wake_.notify();
    if (thread_.joinable())
        thread_.join();
}

void InputPump::setInboxes(std::vector<std::shared_ptr<MidiInbox>> inboxes)
{
    auto list = std::make_shared<const InboxList>(std::move(inboxes));
    {
        std::lock_guard lock(mutex_);
        inboxes_.swap(list);
    }
    // A port opened just now may have queued before the thread knew its inbox: look again.
    wake_.notify();
    // The old list is released here, off the lock; the inboxes it alone held go with it.
}

void InputPump::run() noexcept
{
    pthread_setname_np(pthread_self(), "midi-in");
    for (;;) {
        wake_.wait();
        if (stopping_.load(std::memory_order_relaxed)) // the wake's exchange ordered it (see ~InputPump)
            return;
        std::shared_ptr<const InboxList> inboxes;
        {
            std::lock_guard lock(mutex_);
            inboxes = inboxes_;
        }
        for (const auto& inbox : *inboxes) {
            const std::uint64_t n = inbox->drain([&](const backline::midi::MidiMessage& message, std::int64_t ns) {
                deliver(MidiArrival {inbox->portId(), inbox->portName(), message, ns});
            });
            counters_.received.fetch_add(n, std::memory_order_relaxed); // a count alone
        }
    }
}

void InputPump::deliver(const MidiArrival& arrival) noexcept
{
    // No exception leaves a thread (STYLE.md): a sink that throws loses that message, and
    // says so once rather than once per message of a controller stream.
    try {
        sink_(arrival);
    } catch (const std::exception& e) {
        if (!sinkFailed_)
            spdlog::error("MIDI input '{}': the message handler failed ({}); later failures are not logged",
                arrival.portName, e.what());
        sinkFailed_ = true;
    } catch (...) {
        if (!sinkFailed_)
            spdlog::error("MIDI input '{}': the message handler failed; later failures are not logged",
                arrival.portName);
        sinkFailed_ = true;
    }
}

} // namespace backline::control::midi
