// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

/// The one check of a port name pattern ([control]): the session's, and rules edited live.
namespace backline::session {

/// Why pattern cannot name ports ("" when it can): JACK and backline's MIDI devices match port
/// names with POSIX extended regular expressions (regcomp), so that is what checks it, with a
/// bound on its length.
std::string portPatternProblem(const std::string& pattern);

} // namespace backline::session
