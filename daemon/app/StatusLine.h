// SPDX-License-Identifier: GPL-3.0-or-later
// StatusLine: the one line that says how the daemon is, for `systemctl status` (STATUS=).
#pragma once

#include "port/ArrangementPort.h"
#include "port/Recording.h"
#include "port/Status.h"

#include <optional>
#include <string>

namespace backline::app {

/// [any] "'demo': rolling · song 'Opener', section 'verse' · recording take-007 (12 min) ·
/// 0 xruns": the session, the transport, the song and section when one plays or is cued,
/// the take while one is open, and the xruns since the start. It changes at most once a
/// minute while nothing happens, so it can be sent whenever it changed.
std::string statusLine(const port::DaemonStatus& daemon, const port::ArrangementStatus& arrangement,
    const std::optional<port::RecorderStatus>& recorder);

} // namespace backline::app
