// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

/// Internal to the session library: the `osc:` map ([control]).
namespace backline::session {

/// Reads the `osc:` entry into osc (port, allow, client_rate, reply_rate, tcp_idle_timeout, require_pin).
Result<void> readOsc(const YamlReader& yaml, const YamlEntry& entry, OscSpec& osc);

} // namespace backline::session
