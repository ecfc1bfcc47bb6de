// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Nonblocking.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace backline {

/// A single-producer single-consumer ring of interleaved float frames: the audio thread
/// writes whole blocks, another thread (disk writer, loudness meter) reads them. Capacity is
/// fixed at construction (off the audio thread). A write that does not fit writes nothing and
/// counts the frames as dropped: the audio thread never waits and the loss is never hidden.
class AudioRing {
public:
    /// [control] A ring of capacityFrames frames of channels samples each.
    AudioRing(int channels, std::size_t capacityFrames)
        : channels_(channels)
        , capacity_(capacityFrames)
        , data_(std::size_t(channels) * capacityFrames)
    {
    }

    int channels() const noexcept { return channels_; }
    std::size_t capacityFrames() const noexcept { return capacity_; }

    /// [producer] Appends n frames taken from planar channel pointers; false (and n frames
    /// counted as dropped) when they do not fit.
    bool writePlanar(const float* const* planar, std::uint32_t n) noexcept BACKLINE_NONBLOCKING
    {
        const std::uint64_t w = written_.load(std::memory_order_relaxed); // producer owns written_
        const std::uint64_t r = read_.load(std::memory_order_acquire);    // pairs with release in consume()
        if (capacity_ - std::size_t(w - r) < n) {
            dropped_.fetch_add(n, std::memory_order_relaxed); // a counter read without ordering
            return false;
        }
        std::size_t pos = std::size_t(w % capacity_);
        for (std::uint32_t i = 0; i < n; ++i) {
            float* frame = data_.data() + pos * std::size_t(channels_);
            for (int c = 0; c < channels_; ++c)
                frame[c] = planar[c][i];
            if (++pos == capacity_)
                pos = 0;
        }
        written_.store(w + n, std::memory_order_release); // publishes the frames to readable()'s acquire
        return true;
    }

    /// [consumer] Frames ready to read.
    std::size_t readable() const noexcept
    {
        return std::size_t(written_.load(std::memory_order_acquire) - read_.load(std::memory_order_relaxed));
    }

    /// [consumer] Copies up to maxFrames interleaved frames into out; returns frames read.
    std::size_t read(float* out, std::size_t maxFrames) noexcept
    {
        const std::size_t n = std::min(maxFrames, readable());
        const std::uint64_t r = read_.load(std::memory_order_relaxed);
        std::size_t pos = std::size_t(r % capacity_);
        std::size_t done = 0;
        while (done < n) {
            const std::size_t chunk = std::min(n - done, capacity_ - pos);
            std::memcpy(out + done * std::size_t(channels_), data_.data() + pos * std::size_t(channels_),
                chunk * std::size_t(channels_) * sizeof(float));
            done += chunk;
            pos = (pos + chunk) % capacity_;
        }
        read_.store(r + n, std::memory_order_release); // frees the space for writePlanar()'s acquire
        return n;
    }

    /// Frames written so far (including those not yet read).
    std::uint64_t framesWritten() const noexcept { return written_.load(std::memory_order_acquire); }
    /// Frames that did not fit and were lost.
    std::uint64_t framesDropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

private:
    const int channels_;
    const std::size_t capacity_;
    std::vector<float> data_;
    alignas(64) std::atomic<std::uint64_t> written_ {0};
    alignas(64) std::atomic<std::uint64_t> read_ {0};
    alignas(64) std::atomic<std::uint64_t> dropped_ {0};
};

} // namespace backline
