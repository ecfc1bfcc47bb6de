// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "port/Param.h"
#include "session/SessionSpec.h"

#include <span>

namespace backline::show {

/// [control] Checks a session's scenes and recall safes against the parameters its graph has:
/// every scene value names a parameter (else the error suggests the nearest address) and is a
/// value it may take (port::checkValue), every safe glob matches one. Errors read
/// `file:line:column: …` at the value at fault.
Result<void> checkScenes(const session::SessionSpec& spec, std::span<const port::ParamInfo> params);

} // namespace backline::show
