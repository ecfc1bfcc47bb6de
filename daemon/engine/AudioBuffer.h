// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <vector>

namespace backline::engine {

/// Planar audio of a fixed shape, allocated when the graph is built and reused every block.
class AudioBuffer {
public:
    AudioBuffer() = default;
    /// [control] channels × frames of silence.
    AudioBuffer(int channels, std::uint32_t frames)
        : data_(std::size_t(channels) * frames, 0.0f)
        , pointers_(std::size_t(channels))
    {
        for (int c = 0; c < channels; ++c)
            pointers_[std::size_t(c)] = data_.data() + std::size_t(c) * frames;
    }

    int channels() const noexcept { return int(pointers_.size()); }
    float* const* pointers() noexcept { return pointers_.data(); }
    float* channel(int c) noexcept { return pointers_[std::size_t(c)]; }

private:
    std::vector<float> data_;
    std::vector<float*> pointers_;
};

} // namespace backline::engine
