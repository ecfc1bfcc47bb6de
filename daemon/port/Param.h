// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <string>
#include <string_view>
#include <utility>

namespace backline::port {

/// How a parameter behaves, whatever made it (a Faust widget, an engine switch).
enum class ParamKind {
    Continuous, ///< a fader or knob: glides to a new value
    Stepped,    ///< discrete choices, applied at once
    Toggle,     ///< 0 or 1, applied at once
    Trigger,    ///< 1 while held
};

/// "continuous", "stepped", "toggle", "trigger": the word surfaces show.
const char* toString(ParamKind kind);

/// Everything a surface needs to show and validate one parameter.
struct ParamInfo {
    std::string address; ///< e.g. "/track/pad/gain" or "/track/pad/dsp/cutoff"
    std::string unit;    ///< "dB", "Hz", … or empty
    ParamKind kind = ParamKind::Continuous;
    float min = 0.0f;
    float max = 1.0f;
    float init = 0.0f; ///< the DSP's default
    float step = 0.0f;
    bool logScale = false; ///< moves by ratios (Faust's [scale:log]): a frequency, a Q, a time
    int midiCc = -1;       ///< the MIDI controller its DSP maps it to ([midi:ctrl n]); -1: none
};

/// A parameter's description with its current value.
struct ParamState {
    ParamInfo info;
    float value = 0.0f;
};

/// [any] The value a parameter takes when asked for value: snapped to its step, or the error
/// that says why not (NaN or infinity, out of range, not 0 or 1 for a switch). The one rule
/// for values, applied by the engine's control side and by the scene book's blind edits and
/// session scenes alike.
Result<float> checkValue(const ParamInfo& info, std::string_view address, double value);

/// [any] What is wrong with a morph's fade of this many seconds (negative, not finite, longer
/// than config::maxMorphSeconds); empty when a fade may last that long.
std::string fadeProblem(double seconds);

/// One change of a batch: address and value.
using ParamChange = std::pair<std::string, double>;

} // namespace backline::port
