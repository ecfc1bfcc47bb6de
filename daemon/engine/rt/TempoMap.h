// SPDX-License-Identifier: GPL-3.0-or-later
// TempoMap: beats as a function of the transport's frame, exact from one anchor (no sum of
// per-block steps to drift), with a linear tempo glide. Used on the audio thread and off it.
#pragma once

#include "core/Nonblocking.h"
#include "core/TransportRules.h"

#include <cstdint>

namespace backline::engine {

/// The tempo along the transport's timeline (frames of the transport's position, not of the
/// engine's clock). From anchorFrame, where anchorBeats beats have been counted, the tempo
/// goes linearly in time from bpmFrom to bpmTo over glideFrames frames, then stays at bpmTo;
/// before the anchor it is bpmFrom. Beats are the integral of the tempo:
///
///   x = frame - anchorFrame,  r = 60 · sampleRate (frames per minute)
///   x ≤ 0:           beats = anchorBeats + bpmFrom · x / r
///   0 < x < G:       beats = anchorBeats + (bpmFrom · x + (bpmTo - bpmFrom) · x² / (2G)) / r
///   x ≥ G:           beats = anchorBeats + ((bpmFrom + bpmTo) · G / 2 + bpmTo · (x - G)) / r
///
/// so every position is computed from the anchor, however long the transport has rolled. A
/// beat begins on the first frame whose beats reach it (firstFrameOf). Plain data: copied
/// through the seqlock that publishes the transport.
struct TempoMap {
    std::int64_t anchorFrame = 0;
    double anchorBeats = 0.0;
    double bpmFrom = transport::defaultBpm;
    double bpmTo = transport::defaultBpm;
    std::int64_t glideFrames = 0; ///< 0: bpmFrom == bpmTo, no glide
    int sampleRate = 48000;

    /// [any] A map that counts from beat 0 at frame 0 at a constant bpm, anchored at frame
    /// (what a locate makes: the bar at a time is the one the tempo, held from the start, gives).
    static TempoMap constant(std::int64_t frame, double bpm, int sampleRate) noexcept BACKLINE_NONBLOCKING;

    /// [any] Beats counted at frame (fractional).
    double beatsAt(std::int64_t frame) const noexcept BACKLINE_NONBLOCKING;
    /// [any] The tempo at frame, in BPM.
    double bpmAt(std::int64_t frame) const noexcept BACKLINE_NONBLOCKING;
    /// [any] The first frame whose beats reach beats: beatsAt(f) ≥ beats > beatsAt(f - 1).
    std::int64_t firstFrameOf(double beats) const noexcept BACKLINE_NONBLOCKING;
    /// [any] This map with a new tempo from frame on: from the tempo at frame (mid-glide too),
    /// gliding to bpm over glideFrames (0: at once). Beats up to frame are unchanged.
    TempoMap withTempo(std::int64_t frame, double bpm, std::int64_t glideFrames) const noexcept BACKLINE_NONBLOCKING;
    /// [any] Where a glide goes (the tempo once it is over).
    double targetBpm() const noexcept { return bpmTo; }
};

} // namespace backline::engine
