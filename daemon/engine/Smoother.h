// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Nonblocking.h"

#include <cstdint>

namespace backline::engine {

/// A linear ramp from the current value to a target over a fixed number of frames.
/// Linear in the parameter's own unit (dB for faders), so a fader move sounds even.
class Smoother {
public:
    /// [control] Ramp length in frames (0: jumps).
    void setRampFrames(std::uint32_t frames) noexcept { rampFrames_ = frames; }
    /// [control] Starts at value with no ramp pending.
    void reset(float value) noexcept
    {
        current_ = target_ = value;
        remaining_ = 0;
    }
    /// [audio] Heads for target from wherever the ramp is now.
    void setTarget(float target) noexcept BACKLINE_NONBLOCKING
    {
        target_ = target;
        if (rampFrames_ == 0) {
            current_ = target;
            remaining_ = 0;
            return;
        }
        remaining_ = rampFrames_;
        increment_ = (target_ - current_) / float(rampFrames_);
    }
    /// [audio] Moves frames along the ramp; returns the value for the next frames.
    float advance(std::uint32_t frames) noexcept BACKLINE_NONBLOCKING
    {
        if (remaining_ == 0)
            return current_;
        if (frames >= remaining_) {
            remaining_ = 0;
            current_ = target_; // land exactly on the target, free of rounding drift
            return current_;
        }
        remaining_ -= frames;
        current_ += increment_ * float(frames);
        return current_;
    }
    bool ramping() const noexcept { return remaining_ != 0; }
    float current() const noexcept { return current_; }
    float target() const noexcept { return target_; }

private:
    float current_ = 0.0f;
    float target_ = 0.0f;
    float increment_ = 0.0f;
    std::uint32_t remaining_ = 0;
    std::uint32_t rampFrames_ = 0;
};

} // namespace backline::engine
