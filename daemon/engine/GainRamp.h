// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Nonblocking.h"

#include <cstdint>

namespace backline::engine {

/// A linear gain of the engine's own (mute, solo, sends, routing) that glides to its target
/// sample by sample, so switching never clicks.
class GainRamp {
public:
    /// [control] Glide time in frames and the starting gain.
    void prepare(std::uint32_t rampFrames, float initial) noexcept
    {
        rampFrames_ = rampFrames == 0 ? 1 : rampFrames;
        current_ = target_ = initial;
        remaining_ = 0;
    }

    /// [audio] Heads for target (from wherever the glide is now).
    void setTarget(float target) noexcept BACKLINE_NONBLOCKING
    {
        if (target == target_)
            return;
        target_ = target;
        remaining_ = rampFrames_;
        increment_ = (target_ - current_) / float(rampFrames_);
    }

    /// [audio] Writes the gain for each of the next n frames into gains; true when it is
    /// constant over them (then gains[0] holds it and the caller may take the fast path).
    bool render(float* gains, std::uint32_t n) noexcept BACKLINE_NONBLOCKING
    {
        if (remaining_ == 0) {
            gains[0] = current_;
            return true;
        }
        for (std::uint32_t i = 0; i < n; ++i) {
            if (remaining_ > 0) {
                --remaining_;
                current_ = remaining_ == 0 ? target_ : current_ + increment_;
            }
            gains[i] = current_;
        }
        return false;
    }

    /// True when not gliding (current() holds for the next frames).
    bool steady() const noexcept { return remaining_ == 0; }
    bool silent() const noexcept { return remaining_ == 0 && current_ == 0.0f; }
    float current() const noexcept { return current_; }
    /// Where the glide is heading.
    float target() const noexcept { return target_; }

private:
    float current_ = 0.0f;
    float target_ = 0.0f;
    float increment_ = 0.0f;
    std::uint32_t remaining_ = 0;
    std::uint32_t rampFrames_ = 1;
};

} // namespace backline::engine
