// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/Param.h"

#include <string>

#ifndef FAUSTFLOAT
#define FAUSTFLOAT float
#endif

namespace backline::faust {

/// How a control behaves, from the Faust widget that declared it: hslider/vslider continuous,
/// nentry stepped, checkbox toggle, button trigger (see ParamCollector).
using port::ParamKind;

/// One control of a DSP instance, read from its UI description.
struct DspParam {
    std::string path; ///< relative to the DSP's top-level group, e.g. "gain" or "env/attack"
    std::string unit; ///< from [unit:…] metadata; empty when none
    std::string tooltip; ///< from [tooltip:…] metadata
    ParamKind kind = ParamKind::Continuous;
    float min = 0.0f;
    float max = 1.0f;
    float init = 0.0f;
    float step = 0.0f;
    bool logScale = false; ///< from [scale:log] metadata: the control moves by ratios
    int midiCc = -1;       ///< from [midi:ctrl n] metadata: the MIDI controller that moves it (-1: none)
    FAUSTFLOAT* zone = nullptr; ///< where compute() reads the value; owned by the instance
};

} // namespace backline::faust
