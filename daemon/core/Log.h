// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The process-wide logger and where it writes.

#include <spdlog/spdlog.h>

namespace backline::log {

/// [main] Configures the process-wide logger: stderr, level from BACKLINE_LOG or `info`; each
/// line `<N>message` (N its syslog priority) when stderr is systemd's journal, so journald
/// files errors as errors; `HH:MM:SS.mmm level message` otherwise.
void init();

/// [any] Whether stderr is the journal systemd connected (JOURNAL_STREAM names its device and inode).
bool stderrIsJournal();

} // namespace backline::log
