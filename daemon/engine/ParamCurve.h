// SPDX-License-Identifier: GPL-3.0-or-later
// How each parameter moves in a morph, chosen from backline's own description of it. Control
// side: called when a graph is built.
#pragma once

#include "engine/ParamInfo.h"
#include "engine/rt/MorphCurve.h"

namespace backline::engine {

/// [control] The curve a morph moves info's parameter along: Step for switches, steps and
/// buttons (anything but Continuous); Decibel for a unit starting with "dB" (dB, dBFS, dBTP);
/// Geometric for "Hz" and for a control on a log scale (Faust's [scale:log]: Q, ratios, times);
/// Linear for everything else (pans, percentages, plain numbers).
MorphCurve morphCurveFor(const ParamInfo& info);

} // namespace backline::engine
