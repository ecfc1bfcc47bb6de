// SPDX-License-Identifier: GPL-3.0-or-later
// Decibels ↔ linear gain: the one conversion every fader, send and meter uses. Safe on any
// thread, the audio thread included.
#pragma once

#include "core/Nonblocking.h"

#include <cmath>

namespace backline {

/// [any] The linear gain of a level in dB. -120 dB and below is silence (exactly 0), the floor
/// of every fader and send, so a level pulled all the way down is off, not merely quiet.
inline float dbToGain(float db) noexcept BACKLINE_NONBLOCKING
{
    return db <= -120.0f ? 0.0f : std::pow(10.0f, db * 0.05f);
}

/// [any] The level in dB of a linear amplitude; -inf for silence.
inline double gainToDb(double gain) noexcept BACKLINE_NONBLOCKING
{
    return gain > 0.0 ? 20.0 * std::log10(gain) : -HUGE_VAL;
}

} // namespace backline
