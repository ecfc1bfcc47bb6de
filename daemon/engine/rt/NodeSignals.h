// SPDX-License-Identifier: GPL-3.0-or-later
// What a node does with a signal on its way: copies it into the taps at its point, measures it
// for the meters.
#pragma once

#include "core/Nonblocking.h"
#include "engine/Graph.h"
#include "engine/rt/BlockIo.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace backline::engine {

/// [audio, any worker] Copies a signal into every tap at its point (one node writes each
/// point, so each ring has one writer at a time).
inline void tapInto(const BlockIo& io, TapPoint::Kind kind, std::uint32_t index, const float* const* signal,
    std::uint32_t n) noexcept BACKLINE_NONBLOCKING
{
    if (!io.taps)
        return;
    for (const Tap& t : io.taps->taps)
        if (t.point.kind == kind && t.point.index == index)
            t.ring->writePlanar(signal, n); // a full ring counts its own dropped frames
}

/// [audio, any worker] Peak and energy of a stereo signal.
inline MeterReading measure(const float* const* signal, std::uint32_t n) noexcept BACKLINE_NONBLOCKING
{
    MeterReading reading;
    for (int c = 0; c < 2; ++c) {
        float peak = 0.0f, sum = 0.0f;
        for (std::uint32_t i = 0; i < n; ++i) {
            const float s = signal[c][i];
            peak = std::max(peak, std::fabs(s));
            sum += s * s;
        }
        reading.peak[c] = peak;
        reading.sumSquares[c] = sum;
    }
    return reading;
}

} // namespace backline::engine
