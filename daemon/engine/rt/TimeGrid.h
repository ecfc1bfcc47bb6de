// SPDX-License-Identifier: GPL-3.0-or-later
// TimeGrid: the tempo map and the meter map together — where a frame of the transport falls in
// bars and beats, and the first frame of the next beat or bar. Used on the audio thread (the
// transport, JACK's timebase) and off it (the control port, offline renders, tests).
#pragma once

#include "core/Nonblocking.h"
#include "core/TransportRules.h"
#include "engine/rt/MeterMap.h"
#include "engine/rt/TempoMap.h"

#include <cstdint>

namespace backline::engine {

/// A frame of the transport in musical terms.
struct MusicalPosition {
    double beats = 0.0; ///< counted from the start (bar 1 beat 1 is 0)
    BarPlace place;     ///< bar, beat, fraction and the bar's meter
    double bpm = transport::defaultBpm;
};

/// Where the transport's frames fall in bars and beats. Frames here are the transport's
/// position (what JACK's transport frame is), not the engine's clock.
struct TimeGrid {
    TempoMap tempo;
    MeterMap meter;

    /// [any] The grid a locate makes: bar 1 at frame 0, at bpm and num/den held from there,
    /// anchored at frame (so what is asked of it near frame is exact there).
    static TimeGrid constant(std::int64_t frame, double bpm, int num, int den, int sampleRate) noexcept
        BACKLINE_NONBLOCKING;

    /// [any] The bars and beats at frame.
    MusicalPosition at(std::int64_t frame) const noexcept BACKLINE_NONBLOCKING;
    /// [any] The first frame of the next beat or bar line at or after frame: frame itself when
    /// a beat (or a bar) begins on it. "Begins": the first frame whose beats reach the line.
    std::int64_t nextBoundary(std::int64_t frame, transport::Boundary boundary) const noexcept BACKLINE_NONBLOCKING;
    /// [any] The first frame of bar `bar`, beat `beat` (from 1) on this grid.
    std::int64_t frameOf(std::int64_t bar, int beat) const noexcept BACKLINE_NONBLOCKING;
};

} // namespace backline::engine
