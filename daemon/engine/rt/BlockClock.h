// SPDX-License-Identifier: GPL-3.0-or-later
// BlockClock: the engine's sample clock as the audio thread publishes it after every block,
// for control threads to turn a wall-clock time (an OSC timetag) into an engine frame.
#pragma once

#include "core/Nonblocking.h"

#include <atomic>
#include <cstdint>
#include <ctime>

namespace backline::engine {

/// An engine frame paired with the CLOCK_MONOTONIC time (ns) at which it is due. {0, 0}
/// before the first block.
struct ClockReading {
    std::uint64_t frame = 0;
    std::int64_t monotonicNs = 0;
    bool exact = false; ///< the time is the backend's (setBackendClock), not the block's end
};

/// Written by the audio thread once per block, read by any other thread without a lock: the
/// frame/time pair sits behind a seqlock, which a reader retries while the audio thread is
/// writing it (the writer never waits).
class BlockClock {
public:
    /// [audio] The backend's own clock for the block about to run (JACK's cycle start, filtered
    /// by its delay-locked loop): the cycle that began framesAhead frames after this block's
    /// first frame began at CLOCK_MONOTONIC time monotonicNs. framesAhead is 0 unless the
    /// backend's clock has moved on to a later cycle while this block waited its turn (a late
    /// client on a busy machine). Without it the block's end is read as the block ends, which a
    /// busy machine's scheduling delays.
    void setBackendClock(std::uint64_t framesAhead, std::int64_t monotonicNs) noexcept BACKLINE_NONBLOCKING
    {
        backendAhead_ = framesAhead;
        backendNs_ = monotonicNs;
    }

    /// [audio] The block of nframes that began at frame start has run at sampleRate.
    void publish(std::uint64_t start, std::uint32_t nframes, int sampleRate) noexcept BACKLINE_NONBLOCKING
    {
        const std::uint64_t end = start + nframes;
        frames_.store(end, std::memory_order_release); // pairs with frames()'s acquire
        std::uint64_t readingFrame = start + backendAhead_;
        std::int64_t readingNs = backendNs_;
        const bool exact = readingNs != 0;
        backendNs_ = 0;
        backendAhead_ = 0;
        if (!exact) {
            // No backend time: the block's end now, and the next frame due a block from now
            // (its period began about a block before this one ended).
            timespec now {};
            // Audited: CLOCK_MONOTONIC is read through the vDSO (no system call, no lock, no allocation).
            BACKLINE_AUDITED_NONBLOCKING(clock_gettime(CLOCK_MONOTONIC, &now));
            readingFrame = end;
            readingNs = std::int64_t(now.tv_sec) * 1000000000LL + now.tv_nsec
                + std::int64_t(nframes) * 1000000000LL / sampleRate;
        }
        // Seqlock: readers retry while the sequence is odd or changed under them.
        const std::uint32_t seq = sequence_.load(std::memory_order_relaxed);
        sequence_.store(seq + 1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release); // orders the odd mark before the data (pairs with read()'s acquire fence)
        frame_.store(readingFrame, std::memory_order_relaxed);
        ns_.store(readingNs, std::memory_order_relaxed);
        exact_.store(exact, std::memory_order_relaxed);
        sequence_.store(seq + 2, std::memory_order_release); // publishes the data to read()'s acquire
    }

    /// [any] Frames processed before the current block (the engine's sample clock).
    std::uint64_t frames() const noexcept { return frames_.load(std::memory_order_acquire); }

    /// [control] The latest frame/time pair; retries while the audio thread writes it.
    ClockReading read() const noexcept
    {
        for (;;) {
            const std::uint32_t before = sequence_.load(std::memory_order_acquire); // pairs with publish()'s final release store
            ClockReading r {frame_.load(std::memory_order_relaxed), ns_.load(std::memory_order_relaxed),
                exact_.load(std::memory_order_relaxed)};
            std::atomic_thread_fence(std::memory_order_acquire); // pairs with publish()'s release fence
            if ((before & 1u) == 0 && sequence_.load(std::memory_order_relaxed) == before)
                return r;
        }
    }

private:
    std::atomic<std::uint64_t> frames_ {0};
    std::atomic<std::uint32_t> sequence_ {0}; // seqlock over frame_/ns_/exact_ (odd while writing)
    std::atomic<std::uint64_t> frame_ {0};
    std::atomic<std::int64_t> ns_ {0};
    std::atomic<bool> exact_ {false};
    std::int64_t backendNs_ = 0;     // audio thread only: the backend's clock for this block, or 0
    std::uint64_t backendAhead_ = 0; // audio thread only: frames from this block's start to backendNs_'s cycle
};

} // namespace backline::engine
