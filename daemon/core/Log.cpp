// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/Log.h"

#include <spdlog/cfg/env.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>

namespace backline::log {

void init()
{
    auto logger = spdlog::stderr_color_mt("backline");
    // systemd's journal adds its own timestamps; keep ours short and greppable.
    logger->set_pattern("%H:%M:%S.%e %^%l%$ %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::info);
    if (const char* level = std::getenv("BACKLINE_LOG"))
        spdlog::set_level(spdlog::level::from_str(level));
}

} // namespace backline::log
