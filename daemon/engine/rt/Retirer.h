// SPDX-License-Identifier: GPL-3.0-or-later
// Retirer: how the audio thread lets go of a graph or tap set without freeing it. Audio thread
// only; the owner's control side pops the event queue and frees (Engine::collectGarbage).
#pragma once

#include "core/Nonblocking.h"
#include "engine/Command.h"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace backline::engine {

/// Sends what the audio thread no longer uses back to the control side as events, to be freed
/// there. A full event queue never makes it free or wait: the event is parked (Ardour's "dead
/// wood") and sent with a later block.
class Retirer {
public:
    /// [control] Retires into events, whose single consumer frees what comes out.
    explicit Retirer(EventQueue& events) noexcept
        : events_(events)
    {
    }

    /// [audio] Sends event back, or parks it when the queue is full.
    void retire(const Event& event) noexcept BACKLINE_NONBLOCKING
    {
        if (events_.push(event))
            return;
        if (parkedCount_ < parked_.size())
            parked_[parkedCount_++] = event;
        else
            leaked_.fetch_add(1, std::memory_order_relaxed); // cannot happen short of a stalled control side
    }

    /// [audio] Sends what was parked, as far as the queue has room. Once per block.
    void flush() noexcept BACKLINE_NONBLOCKING
    {
        while (parkedCount_ > 0 && events_.push(parked_[parkedCount_ - 1]))
            --parkedCount_;
    }

private:
    EventQueue& events_;
    std::array<Event, 16> parked_ {};
    std::size_t parkedCount_ = 0;
    std::atomic<std::uint64_t> leaked_ {0}; // retirements lost with both the queue and the parking full
};

} // namespace backline::engine
