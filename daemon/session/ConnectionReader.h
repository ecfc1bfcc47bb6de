// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

/// Internal to the session library: the `connections:` list ([control]).
namespace backline::session {

/// Reads `connections:`, a list of `{from: PORTS, to: PORTS}` auto-connect rules, each side a
/// whole JACK port name or a regular expression that regcomp takes; a bad one is an error at
/// its position.
Result<void> readConnections(const YamlReader& yaml, const YamlEntry& entry, std::vector<ConnectionSpec>& connections);

} // namespace backline::session
