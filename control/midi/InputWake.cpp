// SPDX-License-Identifier: GPL-3.0-or-later
// InputWake: the semaphore between RtMidi's input callbacks and the midi-in thread.
#include "control/midi/InputWake.h"

#include <cerrno>

namespace backline::control::midi {

InputWake::InputWake() noexcept
{
    sem_init(&sem_, 0, 0); // cannot fail: not shared between processes, initial value 0
}

InputWake::~InputWake()
{
    sem_destroy(&sem_);
}

void InputWake::notify() noexcept
{
    // Both sides swap the flag with a read-modify-write on the one atomic, so they meet in its
    // modification order: either this exchange comes first, and wait()'s exchange reads it
    // (acq_rel: the items queued before it are visible to the drain after wait), or wait()'s
    // comes first, and this one reads false and posts.
    if (!pending_.exchange(true, std::memory_order_acq_rel))
        BACKLINE_AUDITED_NONBLOCKING(sem_post(&sem_)); // audited: a futex wake at most, never waits
}

void InputWake::wait() noexcept
{
    while (sem_wait(&sem_) != 0 && errno == EINTR) {
    }
    pending_.exchange(false, std::memory_order_acq_rel); // pairs with notify()'s exchange
}

} // namespace backline::control::midi
