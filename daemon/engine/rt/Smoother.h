// SPDX-License-Identifier: GPL-3.0-or-later
// Smoother: the engine's one linear ramp, for every value that must change without a click.
// Prepared with its graph off the audio thread, then run by the audio thread alone.
#pragma once

#include "core/Nonblocking.h"

#include <cstdint>

namespace backline::engine {

/// A value that glides linearly from where it is to a target over a fixed number of frames.
/// Engine-smoothed DSP parameters advance() it a slice at a time, linear in the parameter's
/// own unit (dB for faders, so a fader move sounds even); the engine's own gains (mute, solo,
/// sends, routes) render() it sample by sample. Both step alike: n frames of advance(1) are
/// the n values render() writes.
class Smoother {
public:
    /// [control] Glide length in frames (0: every change jumps) and the value it starts at,
    /// with no glide pending.
    void prepare(std::uint32_t rampFrames, float initial) noexcept
    {
        rampFrames_ = rampFrames;
        reset(initial);
    }
    /// [control] Starts at value with no glide pending (the glide length stays).
    void reset(float value) noexcept
    {
        current_ = target_ = value;
        remaining_ = 0;
    }

    /// [audio] Heads for target from wherever the glide is now, over the whole glide length,
    /// even when target is where it already heads (a parameter set again glides afresh).
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
    /// [audio] Heads for target from wherever the glide is now, arriving exactly after frames
    /// (at least 1): one stretch of a morph, whose length the morph chooses.
    void glideTo(float target, std::uint32_t frames) noexcept BACKLINE_NONBLOCKING
    {
        target_ = target;
        remaining_ = frames > 0 ? frames : 1;
        increment_ = (target_ - current_) / float(remaining_);
    }
    /// [audio] Heads for target unless it already does: for a value read again every block
    /// (a gain following its switch), whose glide must run its course.
    void follow(float target) noexcept BACKLINE_NONBLOCKING
    {
        if (target != target_)
            setTarget(target);
    }

    /// [audio] Moves frames along the glide; returns the value for the next frames.
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
    /// [audio] Ends the glide at its target now: for a DSP starting from rest, which has no
    /// sound for a jump to click in.
    void land() noexcept BACKLINE_NONBLOCKING
    {
        current_ = target_;
        remaining_ = 0;
    }
    /// [audio] Writes the value of each of the next n frames into values; true when it is
    /// constant over them (then only values[0] is written and the caller may take a fast path).
    bool render(float* values, std::uint32_t n) noexcept BACKLINE_NONBLOCKING
    {
        if (remaining_ == 0) {
            values[0] = current_;
            return true;
        }
        for (std::uint32_t i = 0; i < n; ++i)
            values[i] = advance(1);
        return false;
    }

    /// True while gliding (current() changes over the next frames).
    bool ramping() const noexcept { return remaining_ != 0; }
    /// True when settled at zero: what it scales can be skipped.
    bool silent() const noexcept { return remaining_ == 0 && current_ == 0.0f; }
    float current() const noexcept { return current_; }
    /// Where the glide heads.
    float target() const noexcept { return target_; }

private:
    float current_ = 0.0f;
    float target_ = 0.0f;
    float increment_ = 0.0f;
    std::uint32_t remaining_ = 0;
    std::uint32_t rampFrames_ = 0;
};

} // namespace backline::engine
