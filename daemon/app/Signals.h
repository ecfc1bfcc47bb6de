// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>

namespace backline::app {

/// What a signal asks of the daemon.
enum class SignalRequest { None, Stop, Reload };

/// [main] Blocks SIGINT, SIGTERM and SIGHUP in this thread and every thread it starts later,
/// so they are only ever taken synchronously by waitForSignal(). Call before starting threads.
void blockControlSignals();

/// [main] Waits up to timeout for one of those signals.
SignalRequest waitForSignal(std::chrono::milliseconds timeout);

} // namespace backline::app
