// SPDX-License-Identifier: GPL-3.0-or-later
// StatusLine: the daemon's state in one line for the service manager.
#include "app/StatusLine.h"

#include <fmt/format.h>

namespace backline::app {

std::string statusLine(const port::DaemonStatus& daemon, const port::ArrangementStatus& arrangement,
    const std::optional<port::RecorderStatus>& recorder)
{
    std::string line = fmt::format("'{}': {}", daemon.session, port::toString(daemon.transport));
    if (!arrangement.song.empty()) {
        line += fmt::format(" · song '{}'", arrangement.song);
        if (!arrangement.section.empty())
            line += fmt::format(", section '{}'", arrangement.section);
    }
    if (recorder && recorder->state != port::RecorderState::Idle) {
        // Whole minutes: a line that changed every second would be sent every second.
        line += fmt::format(" · {} {} ({} min)", port::toString(recorder->state),
            recorder->takeFolder.filename().string(), std::uint64_t(recorder->takeSeconds / 60.0));
        if (recorder->droppedInTake > 0)
            line += fmt::format(", {} frames dropped", recorder->droppedInTake);
    }
    line += fmt::format(" · {} xrun{}", daemon.xruns, daemon.xruns == 1 ? "" : "s");
    return line;
}

} // namespace backline::app
