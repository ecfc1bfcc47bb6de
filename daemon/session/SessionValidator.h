// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"

/// Internal to the session library: the checks that need the whole session read ([control]).
namespace backline::session {

/// Checks what one part of a session says about another: each send goes once to an aux bus
/// that exists, each track's output is the master or a group bus, each record source names a
/// track or bus and is listed once. (Names are checked unique as their lists are read.)
/// Messages point at the value at fault.
Result<void> validateSession(const SessionSpec& session);

} // namespace backline::session
