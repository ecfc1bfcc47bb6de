// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "engine/Graph.h"
#include "faust/DspFactory.h"
#include "session/SessionSpec.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace backline::engine {

/// Turns a DspSpec into a compiled factory (built-in lookup or JIT compile).
using DspResolver = std::function<Result<std::shared_ptr<faust::DspFactory>>(const session::DspSpec&)>;

/// A value a new graph starts a parameter at instead of the session's: what surfaces had set on
/// the graph it replaces (after a reload or a JACK restart).
struct CarriedValue {
    CarriedValue(std::string address_, float value_, std::optional<float> sessionSaid_ = std::nullopt)
        : address(std::move(address_))
        , value(value_)
        , sessionSaid(sessionSaid_)
    {
    }
    std::string address;
    float value = 0.0f;
    /// What the replaced graph's session said for the parameter (the file's value, or the DSP's
    /// default where the file says nothing). When given, the value is carried only if the new
    /// session says the same: a reload keeps a live value unless the file changed it.
    std::optional<float> sessionSaid;
};

/// The values carried into a new graph, by address.
using CarriedValues = std::vector<CarriedValue>;

/// [control] Builds the whole graph for a session: DSP instances, buffers, parameter table and
/// initial values (the session's, then any carried). Everything the audio thread will need is
/// allocated here. Errors point at the session file (`file:line:column: track 'x': …`).
Result<std::unique_ptr<Graph>> buildGraph(const session::SessionSpec& spec, int sampleRate,
    std::uint32_t maxFrames, const DspResolver& resolve, const CarriedValues& carried = {});

/// [control] The parameter of graph that carried starts (or would have started), or nullopt where
/// graph keeps its session's value: no such parameter, a trigger (a moment, not a state), a
/// value outside the parameter's range, or a session that now says something else than
/// carried.sessionSaid.
std::optional<ParamId> carryTarget(const Graph& graph, const CarriedValue& carried);


} // namespace backline::engine
