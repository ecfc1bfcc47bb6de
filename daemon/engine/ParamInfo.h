// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/Param.h"

#include <cstdint>
#include <string>

namespace backline::engine {

/// Index of a parameter in its graph's ParamTable; valid only with that graph's generation.
using ParamId = std::uint32_t;

/// Who smooths a continuous parameter: the engine (a ramp on the audio thread, with the DSP
/// computed in short slices: a session's DSP, and a built-in that declares `smoothing "engine"`)
/// or the DSP itself (the other built-ins smooth per sample in Faust).
enum class Smoothing {
    None,   ///< applied at once
    Engine, ///< a ramp on the audio thread, the DSP computed in short slices meanwhile
    Dsp,    ///< the built-in DSP smooths it per sample
    Node,   ///< an engine switch or level that glides per sample in the node reading it
};

/// What surfaces see of a parameter: backline's own description (port/Param.h).
using port::ParamInfo;
using port::ParamKind;

} // namespace backline::engine
