// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Nonblocking.h"

#include <array>
#include <atomic>
#include <cstddef>
#include <new>
#include <optional>
#include <type_traits>

namespace backline {

/// Bounded single-producer single-consumer queue of trivially copyable items.
/// Wait-free on both sides and fully inline, so clang can prove the audio thread's use of it
/// nonblocking (moodycamel's queue is not annotated and may allocate in enqueue()).
/// A full queue rejects the push: the producer counts the drop, nobody waits.
template <typename T, std::size_t Capacity>
class SpscQueue {
    static_assert(std::is_trivially_copyable_v<T>, "queue items cross threads by copy");
    static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0, "capacity must be a power of two");

public:
    /// [producer] Appends item; false when the queue is full.
    bool push(const T& item) noexcept BACKLINE_NONBLOCKING
    {
        const std::size_t head = head_.load(std::memory_order_relaxed); // only the producer writes head_
        const std::size_t tail = tail_.load(std::memory_order_acquire); // pairs with the release in pop()
        if (head - tail == Capacity)
            return false;
        slots_[head & (Capacity - 1)] = item;
        head_.store(head + 1, std::memory_order_release); // publishes the slot to pop()'s acquire
        return true;
    }

    /// [producer] Appends all n items or none: the consumer sees them appear together, so a
    /// batch is never split across two of its drains. False when they do not all fit.
    bool pushBatch(const T* items, std::size_t n) noexcept BACKLINE_NONBLOCKING
    {
        const std::size_t head = head_.load(std::memory_order_relaxed); // only the producer writes head_
        const std::size_t tail = tail_.load(std::memory_order_acquire); // pairs with the release in pop()
        if (Capacity - (head - tail) < n)
            return false;
        for (std::size_t i = 0; i < n; ++i)
            slots_[(head + i) & (Capacity - 1)] = items[i];
        head_.store(head + n, std::memory_order_release); // publishes all n slots at once to pop()'s acquire
        return true;
    }

    /// [consumer] Takes the oldest item into out; false when empty.
    bool pop(T& out) noexcept BACKLINE_NONBLOCKING
    {
        const std::size_t tail = tail_.load(std::memory_order_relaxed); // only the consumer writes tail_
        const std::size_t head = head_.load(std::memory_order_acquire); // pairs with the release in push()
        if (head == tail)
            return false;
        out = slots_[tail & (Capacity - 1)];
        tail_.store(tail + 1, std::memory_order_release); // frees the slot for push()'s acquire
        return true;
    }

    /// [any] Approximate number of queued items.
    std::size_t sizeApprox() const noexcept
    {
        return head_.load(std::memory_order_relaxed) - tail_.load(std::memory_order_relaxed);
    }

    static constexpr std::size_t capacity() noexcept { return Capacity; }

private:
    static constexpr std::size_t cacheLine = 64;
    alignas(cacheLine) std::atomic<std::size_t> head_ {0};
    alignas(cacheLine) std::atomic<std::size_t> tail_ {0};
    alignas(cacheLine) std::array<T, Capacity> slots_ {};
};

} // namespace backline
