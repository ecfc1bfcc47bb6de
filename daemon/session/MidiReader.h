// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

/// Internal to the session library: the `midi:` map ([control]).
namespace backline::session {

/// Reads the `midi:` entry into midi: the API, the controllers' and feedback ports, the
/// feedback rate, program changes and the mappings (their addresses are checked once the graph
/// is built).
Result<void> readMidi(const YamlReader& yaml, const YamlEntry& entry, MidiSpec& midi);

} // namespace backline::session
