// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "engine/Graph.h"
#include "faust/DspFactory.h"
#include "session/SessionSpec.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace backline::engine {

/// Turns a DspSpec into a compiled factory (built-in lookup or JIT compile).
using DspResolver = std::function<Result<std::shared_ptr<faust::DspFactory>>(const session::DspSpec&)>;

/// Parameter values by address that a new graph starts at instead of the session's: what
/// surfaces had set on the graph it replaces.
using CarriedValues = std::vector<std::pair<std::string, float>>;

/// [control] Builds the whole graph for a session: DSP instances, buffers, parameter table and
/// initial values (the session's, then any carried). Everything the audio thread will need is
/// allocated here. Errors point at the session file (`file:line:column: track 'x': …`).
Result<std::unique_ptr<Graph>> buildGraph(const session::SessionSpec& spec, int sampleRate,
    std::uint32_t maxFrames, const DspResolver& resolve, const CarriedValues& carried = {});


} // namespace backline::engine
