// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/ParamInfo.h"

#include <cstdint>
#include <type_traits>

namespace backline::engine {

struct Graph;

/// Control → audio: a small POD applied at the start of the next block, in order.
struct Command {
    enum class Type : std::uint8_t {
        SetParam,  ///< param/value for the graph of `generation`
        SwapGraph, ///< install `graph`; the old one comes back as a GraphRetired event
    };
    Type type = Type::SetParam;
    ParamId param = 0;
    float value = 0.0f;
    std::uint64_t generation = 0;
    Graph* graph = nullptr;
};
static_assert(std::is_trivially_copyable_v<Command>);

/// Audio → control: what the audio thread reports, as codes and numbers, never text.
struct Event {
    enum class Type : std::uint8_t {
        GraphRetired, ///< `graph` left the audio thread: free it off-thread
    };
    Type type = Type::GraphRetired;
    Graph* graph = nullptr;
};
static_assert(std::is_trivially_copyable_v<Event>);

} // namespace backline::engine
