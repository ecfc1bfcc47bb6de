// SPDX-License-Identifier: GPL-3.0-or-later
// wireNodes: a built graph's tracks, buses and master made into nodes — who feeds whom, in
// which order each sum is taken, and the order the nodes run in.
#pragma once

#include "core/Result.h"
#include "engine/Graph.h"

namespace backline::engine {

/// [control] Numbers the graph's tracks and buses, gives every bus and the master its feeds
/// (by track, then the buses, as the mix has always summed them), and builds graph.order
/// from them. The graph's vectors must not change afterwards.
Result<void> wireNodes(Graph& graph);

} // namespace backline::engine
