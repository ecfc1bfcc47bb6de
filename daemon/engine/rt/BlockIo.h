// SPDX-License-Identifier: GPL-3.0-or-later
// BlockIo: the outside world of one run of a graph — its inputs, its outputs, its taps and
// where its levels go.
#pragma once

#include "engine/Taps.h"

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace backline::engine {

class NodeScheduler;

/// The outside world of one call to runGraph.
struct BlockIo {
    const float* const* inputs = nullptr; ///< per engine input channel (null = silence)
    std::size_t numInputs = 0;
    float* const* outputs = nullptr; ///< the two master outputs (null = discarded)
    std::size_t numOutputs = 0;
    const TapSet* taps = nullptr;  ///< taps of this graph, or null
    MeterQueue* meters = nullptr;  ///< where levels go, or null
    std::atomic<std::uint64_t>* droppedMeterEvents = nullptr;
    std::uint64_t frame = 0; ///< the engine frame of the stretch's first sample
    NodeScheduler* workers = nullptr; ///< the threads that run the graph's nodes, or null: this one alone
};

} // namespace backline::engine
