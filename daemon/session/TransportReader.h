// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

/// Internal to the session library: the `transport:` map ([control]).
namespace backline::session {

/// Reads the `transport:` entry into transport (tempo, meter, jack), by the transport's rules
/// (core/TransportRules.h); a value that breaks one is an error at its position.
Result<void> readTransport(const YamlReader& yaml, const YamlEntry& entry, TransportSpec& transport);

} // namespace backline::session
