// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <spdlog/spdlog.h>

namespace backline::log {

/// [main] Configures the process-wide logger (stderr, level from BACKLINE_LOG or `info`).
void init();

} // namespace backline::log
