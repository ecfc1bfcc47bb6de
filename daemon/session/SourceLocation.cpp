// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/SessionSpec.h"

namespace backline::session {

std::string SourceLocation::str() const
{
    if (line <= 0)
        return file;
    std::string out = file + ":" + std::to_string(line);
    if (column > 0)
        out += ":" + std::to_string(column);
    return out;
}

Error SourceLocation::error(std::string_view message) const
{
    return makeError(ErrorCode::Session, str() + ": " + std::string(message));
}

} // namespace backline::session
