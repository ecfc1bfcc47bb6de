// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <string>
#include <string_view>

namespace backline::session {

/// Where a value came from, so later checks (e.g. a DSP that fails to compile) can point at it.
struct SourceLocation {
    std::string file;
    int line = 0;   ///< 1-based; 0 when unknown
    int column = 0; ///< 1-based; 0 when unknown

    /// "file:line:column" (or just "file" when the position is unknown).
    std::string str() const;
    /// A Session error reading "file:line:column: message".
    Error error(std::string_view message) const;
};

} // namespace backline::session
