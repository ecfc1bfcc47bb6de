// SPDX-License-Identifier: GPL-3.0-or-later
// The time grid: positions and boundaries from the tempo and meter maps (see TimeGrid.h).
#include "engine/rt/TimeGrid.h"

#include <cmath>

namespace backline::engine {

TimeGrid TimeGrid::constant(std::int64_t frame, double bpm, int num, int den, int sampleRate) noexcept
{
    return TimeGrid {TempoMap::constant(frame, bpm, sampleRate), MeterMap::constant(num, den)};
}

MusicalPosition TimeGrid::at(std::int64_t frame) const noexcept
{
    MusicalPosition p;
    p.beats = tempo.beatsAt(frame);
    p.place = meter.place(p.beats);
    p.bpm = tempo.bpmAt(frame);
    return p;
}

std::int64_t TimeGrid::nextBoundary(std::int64_t frame, transport::Boundary boundary) const noexcept
{
    // The line in force at frame and the one after it, in beats. frame is on the first when
    // that line's first frame is frame itself; otherwise the next line begins after frame.
    const double beats = tempo.beatsAt(frame);
    double current = std::floor(beats);
    double next = current + 1.0;
    if (boundary == transport::Boundary::Bar) {
        const BarPlace place = meter.place(beats);
        current = double(place.barStart);
        next = current + double(place.beatsPerBar);
    }
    const std::int64_t first = tempo.firstFrameOf(current);
    return first == frame ? frame : tempo.firstFrameOf(next);
}

std::int64_t TimeGrid::frameOf(std::int64_t bar, int beat) const noexcept
{
    return tempo.firstFrameOf(meter.beatsOf(bar, beat));
}

} // namespace backline::engine
