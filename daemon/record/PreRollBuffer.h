// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace backline::record {

/// [disk] The last N frames of one source, kept in memory so a take can start in the past.
/// Frames are addressed by capture frame (position in the source's stream).
class PreRollBuffer {
public:
    PreRollBuffer() = default;
    /// [control] Room for capacityFrames interleaved frames (0 keeps nothing).
    PreRollBuffer(int channels, std::uint64_t capacityFrames)
        : channels_(std::size_t(channels))
        , capacity_(capacityFrames)
        , data_(std::size_t(capacityFrames) * std::size_t(channels))
    {
    }

    /// Appends n frames that end the stream at capture frame endFrame; zeros when data is null.
    void append(const float* data, std::uint64_t n, std::uint64_t endFrame)
    {
        end_ = endFrame;
        if (capacity_ == 0)
            return;
        if (n >= capacity_) {
            if (data)
                std::memcpy(data_.data(), data + (n - capacity_) * channels_, data_.size() * sizeof(float));
            else
                std::fill(data_.begin(), data_.end(), 0.0f);
            head_ = 0;
            held_ = capacity_;
            return;
        }
        std::uint64_t done = 0;
        while (done < n) {
            const std::uint64_t chunk = std::min(n - done, capacity_ - head_);
            float* dst = data_.data() + head_ * channels_;
            if (data)
                std::memcpy(dst, data + done * channels_, chunk * channels_ * sizeof(float));
            else
                std::fill(dst, dst + chunk * channels_, 0.0f);
            done += chunk;
            head_ = (head_ + chunk) % capacity_;
        }
        held_ = std::min(capacity_, held_ + n);
    }

    /// Empties the buffer so that it ends at capture frame endFrame (a stream that continues
    /// another one's ring).
    void resetAt(std::uint64_t endFrame) noexcept
    {
        head_ = 0;
        held_ = 0;
        end_ = endFrame;
    }

    /// Capture frame of the oldest frame held.
    std::uint64_t firstFrame() const noexcept { return end_ - held_; }
    /// Capture frame just past the newest frame held.
    std::uint64_t endFrame() const noexcept { return end_; }

    /// Calls sink(span) for the frames [from, endFrame()) in order, in at most two pieces;
    /// from must not be before firstFrame().
    template <typename Sink>
    auto forEachFrom(std::uint64_t from, Sink&& sink) const -> decltype(sink(std::span<const float> {}))
    {
        using R = decltype(sink(std::span<const float> {}));
        if (from >= end_ || capacity_ == 0)
            return R {};
        std::uint64_t count = end_ - std::max(from, firstFrame());
        std::uint64_t start = (head_ + capacity_ - count % capacity_) % capacity_;
        while (count > 0) {
            const std::uint64_t chunk = std::min(count, capacity_ - start);
            if (auto r = sink(std::span<const float>(data_.data() + start * channels_, chunk * channels_)); !r)
                return r;
            count -= chunk;
            start = 0;
        }
        return R {};
    }

private:
    std::size_t channels_ = 1;
    std::uint64_t capacity_ = 0;
    std::vector<float> data_;
    std::uint64_t head_ = 0; ///< slot of the next frame to write
    std::uint64_t held_ = 0;
    std::uint64_t end_ = 0;
};

} // namespace backline::record
