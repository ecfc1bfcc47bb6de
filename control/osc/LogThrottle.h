// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <spdlog/common.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace backline::control {

/// A log line for something that can happen thousands of times a second (a blocked packet, a
/// refused connection, a new subscriber): the first is written at once, later ones are counted
/// and written as one line with their count at most once per interval. A flood costs a counter,
/// not a log file. [osc]
class LogThrottle {
public:
    /// Writes the line for count events, latest describing the last of them.
    using Format = std::function<std::string(std::uint64_t count, const std::string& latest)>;

    LogThrottle(spdlog::level::level_enum level, std::int64_t intervalNs, Format format);

    /// Counts n events at nowNs; writes a line when one is due.
    void note(std::int64_t nowNs, std::string latest, std::uint64_t n = 1);
    /// Writes what was counted since the last line once the interval has passed.
    void poll(std::int64_t nowNs);
    /// Writes what was counted since the last line now (at shutdown).
    void flush();

private:
    void write(std::int64_t nowNs);

    spdlog::level::level_enum level_;
    std::int64_t intervalNs_;
    Format format_;
    std::uint64_t pending_ = 0;
    std::string latest_;
    std::optional<std::int64_t> writtenNs_;
};

} // namespace backline::control
