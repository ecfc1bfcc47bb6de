// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Engine.h"

#include <atomic>
#include <cstdint>

namespace backline::app {

/// Hands memory a session load freed back to the system, once the graph it replaced is gone.
/// A Faust compile leaves tens of megabytes freed in its thread's malloc arena, and each reload
/// more (docs/BENCHMARKS.md); malloc_trim returns them.
class MemoryRelease {
public:
    /// [any] Asks for a release 250 ms from now: after the crossfade (30 ms) and the retired
    /// graph's trip back through the engine's event queue.
    void want();
    /// [main] When asked and the crossfade is over: frees retired graphs and trims every arena.
    /// The audio thread never allocates, so it neither waits for an arena's lock here nor
    /// touches the free pages handed back; control threads that allocate again fault them in.
    void releaseIfDue(engine::Engine& engine);

private:
    // steady_clock nanoseconds after which releaseIfDue() releases; 0: not asked. Relaxed: a
    // moment's delay is fine.
    std::atomic<std::int64_t> afterNs_ {0};
};

} // namespace backline::app
