// SPDX-License-Identifier: GPL-3.0-or-later
// InputWake: how RtMidi's input callbacks, which may run on JACK's real-time thread, wake the
// midi-in thread without waiting for anything.
#pragma once

#include "core/Nonblocking.h"

#include <atomic>
#include <semaphore.h>

namespace backline::control::midi {

/// A POSIX semaphore with a "wake pending" flag in front: sem_post never blocks (it is even
/// async-signal-safe) and costs a futex wake only when the midi-in thread sleeps; the flag
/// keeps a burst of messages to one post, so the semaphore's count stays small.
class InputWake {
public:
    InputWake() noexcept;
    ~InputWake();
    InputWake(const InputWake&) = delete;
    InputWake& operator=(const InputWake&) = delete;

    /// [any, RtMidi's callback included] Wakes the midi-in thread after something was queued
    /// for it. Nonblocking: one atomic exchange, and a sem_post when no wake is pending.
    void notify() noexcept BACKLINE_NONBLOCKING;

    /// [midi-in] Sleeps until notify(); whatever was queued before that notify is visible to
    /// the caller when this returns.
    void wait() noexcept;

private:
    sem_t sem_;
    std::atomic<bool> pending_ {false};
};

} // namespace backline::control::midi
