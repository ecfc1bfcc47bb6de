// SPDX-License-Identifier: GPL-3.0-or-later
// Seqlock: a plain value the audio thread publishes every block and any thread reads without a
// lock, as BlockClock does for the clock, for values of more than a few fields.
#pragma once

#include "core/Nonblocking.h"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace backline::engine {

/// One writer stores a trivially copyable T; readers copy it whole, retrying while the writer
/// is at it (the writer never waits). The value lives in relaxed atomic words so a read that
/// overlaps a write is a retry, not a data race.
template <typename T>
class Seqlock {
    static_assert(std::is_trivially_copyable_v<T>);
    static constexpr std::size_t words = (sizeof(T) + sizeof(std::uint64_t) - 1) / sizeof(std::uint64_t);

public:
    /// [control, before any store] Sets the value readers see first.
    explicit Seqlock(const T& initial = T {}) noexcept { store(initial); }

    /// [the writer: the audio thread] Publishes value.
    void store(const T& value) noexcept BACKLINE_NONBLOCKING
    {
        std::array<std::uint64_t, words> bits {};
        std::memcpy(bits.data(), &value, sizeof(T));
        const std::uint32_t seq = sequence_.load(std::memory_order_relaxed);
        sequence_.store(seq + 1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release); // orders the odd mark before the data (pairs with load()'s acquire fence)
        for (std::size_t i = 0; i < words; ++i)
            data_[i].store(bits[i], std::memory_order_relaxed);
        sequence_.store(seq + 2, std::memory_order_release); // publishes the data to load()'s acquire
    }

    /// [any] The latest value (T{} before the first store).
    T load() const noexcept BACKLINE_NONBLOCKING
    {
        std::array<std::uint64_t, words> bits {};
        for (;;) {
            const std::uint32_t before = sequence_.load(std::memory_order_acquire); // pairs with store()'s final release
            for (std::size_t i = 0; i < words; ++i)
                bits[i] = data_[i].load(std::memory_order_relaxed);
            std::atomic_thread_fence(std::memory_order_acquire); // pairs with store()'s release fence
            if ((before & 1u) == 0 && sequence_.load(std::memory_order_relaxed) == before)
                break;
        }
        T value {};
        std::memcpy(static_cast<void*>(&value), bits.data(), sizeof(T)); // T is trivially copyable (asserted above)
        return value;
    }

private:
    std::atomic<std::uint32_t> sequence_ {0}; // odd while the writer stores
    std::array<std::atomic<std::uint64_t>, words> data_ {};
};

} // namespace backline::engine
