// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "port/Param.h"
#include "session/SessionSpec.h"

#include <span>

namespace backline::app {

/// [control] Checks the session's `midi.map` against the parameters its graph has and its
/// scenes: every mapping names a parameter (else the error suggests the nearest address) whose
/// range holds the mapping's min and max and suits its curve, and every program change a scene
/// of the session. Errors read `file:line:column: …` at the mapping at fault.
Result<void> checkMidiMap(const session::SessionSpec& spec, std::span<const port::ParamInfo> params);

} // namespace backline::app
