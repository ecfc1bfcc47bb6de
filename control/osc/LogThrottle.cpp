// SPDX-License-Identifier: GPL-3.0-or-later
// Log lines written at most once per interval with a count (the OSC thread's).
#include "control/osc/LogThrottle.h"

#include <spdlog/spdlog.h>

namespace backline::control {

LogThrottle::LogThrottle(spdlog::level::level_enum level, std::int64_t intervalNs, Format format)
    : level_(level)
    , intervalNs_(intervalNs)
    , format_(std::move(format))
{
}

void LogThrottle::note(std::int64_t nowNs, std::string latest, std::uint64_t n)
{
    pending_ += n;
    latest_ = std::move(latest);
    poll(nowNs);
}

void LogThrottle::poll(std::int64_t nowNs)
{
    if (pending_ > 0 && (!writtenNs_ || nowNs - *writtenNs_ >= intervalNs_))
        write(nowNs);
}

void LogThrottle::flush()
{
    if (pending_ > 0)
        write(writtenNs_.value_or(0));
}

void LogThrottle::write(std::int64_t nowNs)
{
    if (spdlog::should_log(level_))
        spdlog::log(level_, "{}", format_(pending_, latest_));
    pending_ = 0;
    writtenNs_ = nowNs;
}

} // namespace backline::control
