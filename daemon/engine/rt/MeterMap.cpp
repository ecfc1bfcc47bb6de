// SPDX-License-Identifier: GPL-3.0-or-later
// The meter map's arithmetic (see MeterMap.h).
#include "engine/rt/MeterMap.h"

#include <cmath>

namespace backline::engine {

MeterMap MeterMap::constant(int num, int den) noexcept
{
    MeterMap map;
    map.num = map.beforeNum = num;
    map.den = map.beforeDen = den;
    map.anchorBeats = 0;
    map.anchorBar = 1;
    return map;
}

BarPlace MeterMap::place(double beats) const noexcept
{
    BarPlace p;
    const bool after = beats >= double(anchorBeats);
    p.beatsPerBar = after ? num : beforeNum;
    p.beatUnit = after ? den : beforeDen;
    // Whole bars from the anchor (backwards before it), then the beat within the bar.
    const double offset = beats - double(anchorBeats);
    std::int64_t bars = std::int64_t(std::floor(offset / double(p.beatsPerBar)));
    double inBar = offset - double(bars) * double(p.beatsPerBar);
    // Rounding may leave inBar a hair outside [0, beatsPerBar): it belongs to the next or last bar.
    if (inBar >= double(p.beatsPerBar)) {
        ++bars;
        inBar -= double(p.beatsPerBar);
    } else if (inBar < 0.0) {
        --bars;
        inBar += double(p.beatsPerBar);
    }
    p.bar = anchorBar + bars;
    p.barStart = anchorBeats + bars * p.beatsPerBar;
    const double beat = std::floor(inBar);
    p.beat = int(beat) + 1;
    p.fraction = inBar - beat;
    return p;
}

double MeterMap::beatsOf(std::int64_t bar, int beat) const noexcept
{
    const std::int64_t bars = bar - anchorBar;
    const int perBar = bars >= 0 ? num : beforeNum;
    return double(anchorBeats + bars * perBar + (beat - 1));
}

MeterMap MeterMap::withMeter(int newNum, int newDen, double beats) const noexcept
{
    const BarPlace here = place(beats);
    // The first bar line at or after beats: this bar's start when beats is on it, else the next.
    const bool onLine = beats <= double(here.barStart);
    MeterMap map;
    map.anchorBeats = onLine ? here.barStart : here.barStart + here.beatsPerBar;
    map.anchorBar = onLine ? here.bar : here.bar + 1;
    map.beforeNum = here.beatsPerBar;
    map.beforeDen = here.beatUnit;
    map.num = newNum;
    map.den = newDen;
    return map;
}

MeterMap MeterMap::withBarLineAt(std::int64_t beats) const noexcept
{
    const BarPlace here = place(double(beats));
    if (here.barStart == beats)
        return *this;
    MeterMap map = *this; // num/den: the meter after any change waiting for its bar line
    map.anchorBeats = beats;
    map.anchorBar = here.bar + 1;
    map.beforeNum = here.beatsPerBar;
    map.beforeDen = here.beatUnit;
    return map;
}

} // namespace backline::engine
