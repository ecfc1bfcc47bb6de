// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace backline::app {

/// The daemon's version (from CMake's project version).
inline constexpr const char* version = BACKLINE_VERSION;

} // namespace backline::app
