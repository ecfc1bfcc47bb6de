// SPDX-License-Identifier: GPL-3.0-or-later
#include "port/Param.h"

namespace backline::port {

const char* toString(ParamKind kind)
{
    switch (kind) {
    case ParamKind::Toggle:
        return "toggle";
    case ParamKind::Trigger:
        return "trigger";
    case ParamKind::Stepped:
        return "stepped";
    case ParamKind::Continuous:
        break;
    }
    return "continuous";
}

} // namespace backline::port
