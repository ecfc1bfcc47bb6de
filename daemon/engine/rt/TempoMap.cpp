// SPDX-License-Identifier: GPL-3.0-or-later
// The tempo map's arithmetic (see TempoMap.h for the formulas).
#include "engine/rt/TempoMap.h"

#include <cmath>

namespace backline::engine {

TempoMap TempoMap::constant(std::int64_t frame, double bpm, int sampleRate) noexcept
{
    TempoMap map;
    map.anchorFrame = frame;
    map.anchorBeats = double(frame) * bpm / (60.0 * double(sampleRate));
    map.bpmFrom = map.bpmTo = bpm;
    map.glideFrames = 0;
    map.sampleRate = sampleRate;
    return map;
}

namespace {

/// Beats closer than this to a whole beat are on it: a tempo written in decimals (133.7) is a
/// binary fraction a hair off, which must not move a beat that falls on a frame by one frame
/// after hours (1e-9 beats is under a ten-thousandth of a frame at any tempo and rate).
constexpr double onTheBeat = 1e-9;

double snapped(double beats)
{
    const double whole = std::round(beats);
    return std::fabs(beats - whole) < onTheBeat ? whole : beats;
}

} // namespace

double TempoMap::beatsAt(std::int64_t frame) const noexcept
{
    const double perMinute = 60.0 * double(sampleRate);
    const double x = double(frame - anchorFrame);
    if (x <= 0.0)
        return snapped(anchorBeats + bpmFrom * x / perMinute);
    const double g = double(glideFrames);
    if (x < g)
        return snapped(anchorBeats + (bpmFrom * x + (bpmTo - bpmFrom) * x * x / (2.0 * g)) / perMinute);
    return snapped(anchorBeats + ((bpmFrom + bpmTo) * g / 2.0 + bpmTo * (x - g)) / perMinute);
}

double TempoMap::bpmAt(std::int64_t frame) const noexcept
{
    const std::int64_t x = frame - anchorFrame;
    if (x <= 0)
        return bpmFrom;
    if (x < glideFrames)
        return bpmFrom + (bpmTo - bpmFrom) * double(x) / double(glideFrames);
    return bpmTo;
}

std::int64_t TempoMap::firstFrameOf(double beats) const noexcept
{
    // The inverse of beatsAt, in frames from the anchor; then a step or two to the exact first
    // frame by beatsAt itself, so the grid and the position read from it never disagree.
    const double area = (beats - anchorBeats) * 60.0 * double(sampleRate); // BPM × frames
    const double g = double(glideFrames);
    const double glideArea = (bpmFrom + bpmTo) * g / 2.0;
    double x = 0.0;
    if (area <= 0.0) {
        x = area / bpmFrom;
    } else if (g > 0.0 && area < glideArea) {
        // (a/2)·x² + bpmFrom·x − area = 0 with a = (bpmTo − bpmFrom)/G, in the form that keeps
        // its precision whether the glide speeds up or slows down.
        const double a = (bpmTo - bpmFrom) / g;
        x = 2.0 * area / (bpmFrom + std::sqrt(bpmFrom * bpmFrom + 2.0 * a * area));
    } else {
        x = g + (area - glideArea) / bpmTo;
    }
    std::int64_t frame = anchorFrame + std::int64_t(std::ceil(x));
    while (beatsAt(frame - 1) >= beats)
        --frame;
    while (beatsAt(frame) < beats)
        ++frame;
    return frame;
}

TempoMap TempoMap::withTempo(std::int64_t frame, double bpm, std::int64_t glide) const noexcept
{
    TempoMap map = *this;
    map.anchorFrame = frame;
    map.anchorBeats = beatsAt(frame);
    map.bpmFrom = glide > 0 ? bpmAt(frame) : bpm;
    map.bpmTo = bpm;
    map.glideFrames = glide > 0 ? glide : 0;
    return map;
}

} // namespace backline::engine
