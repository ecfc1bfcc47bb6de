// SPDX-License-Identifier: GPL-3.0-or-later
#include "port/Recording.h"

namespace backline::port {

std::string markerNameProblem(std::string_view name)
{
    if (name.empty() || name.size() > 200)
        return "a marker needs a name of 1 to 200 characters";
    for (char c : name)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return "marker name contains a control character";
    return {};
}

} // namespace backline::port
