// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "faust/DspParam.h"

#include <cstdint>
#include <string>

namespace backline::engine {

/// Index of a parameter in its graph's ParamTable; valid only with that graph's generation.
using ParamId = std::uint32_t;

/// Who smooths a continuous parameter: the engine (a ramp on the audio thread, with the DSP
/// computed in short slices) or the DSP itself (built-ins smooth per sample in Faust).
enum class Smoothing {
    None,   ///< applied at once
    Engine, ///< a ramp on the audio thread, the DSP computed in short slices meanwhile
    Dsp,    ///< the built-in DSP smooths it per sample
    Node,   ///< an engine switch or level that glides per sample in the node reading it
};

/// Everything a surface needs to show and validate one parameter.
struct ParamInfo {
    std::string address; ///< e.g. "/track/pad/gain" or "/track/pad/dsp/cutoff"
    std::string unit;    ///< "dB", "Hz", … or empty
    faust::ParamKind kind = faust::ParamKind::Continuous;
    Smoothing smoothing = Smoothing::None;
    float min = 0.0f;
    float max = 1.0f;
    float init = 0.0f; ///< the DSP's default
    float step = 0.0f;
};

} // namespace backline::engine
