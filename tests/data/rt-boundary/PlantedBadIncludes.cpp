// SPDX-License-Identifier: GPL-3.0-or-later
// Never compiled: audio-thread code with bad includes planted for the RtBoundary tests (tests/engine/CMakeLists.txt).
// Lines 4-7 may be included by real-time code; lines 8-10 may not.
#include "core/SpscQueue.h"
#include "engine/rt/Smoother.h"
#include "engine/Graph.h"
#include <atomic>
#include <mutex>
#include <spdlog/spdlog.h>
#include "session/SessionSpec.h"
