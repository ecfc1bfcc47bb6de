// SPDX-License-Identifier: GPL-3.0-or-later
// The morph curve of a parameter, from its kind, unit and scale (see ParamCurve.h).
#include "engine/ParamCurve.h"

namespace backline::engine {

MorphCurve morphCurveFor(const ParamInfo& info)
{
    if (info.kind != port::ParamKind::Continuous)
        return MorphCurve::Step;
    if (info.unit.starts_with("dB"))
        return MorphCurve::Decibel;
    if (info.unit == "Hz" || info.logScale)
        return MorphCurve::Geometric;
    return MorphCurve::Linear;
}

} // namespace backline::engine
