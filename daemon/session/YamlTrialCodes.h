// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/// The exit codes of backline-yaml-trial (YamlTrialHelper.cpp), read by tryYamlInChild. None is
/// 1: a sanitizer or a runtime that dies reports 1, which must not read as "yaml-cpp threw".
namespace backline::session {

enum class TrialExit : int {
    Parses = 0,  ///< yaml-cpp returned
    Throws = 10, ///< yaml-cpp threw one of its exceptions (a syntax error)
    Died = 11,   ///< anything else was thrown (out of memory under the helper's cap)
    NoInput = 12, ///< the text could not be read from standard input
};

} // namespace backline::session
