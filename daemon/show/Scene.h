// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/Param.h"

#include <string>
#include <vector>

namespace backline::show {

/// A named set of parameter values: what a recall sets, in this order.
struct Scene {
    std::string name;
    std::vector<port::ParamChange> values;
};

/// What an undo puts back: the values a recall (or an undo) replaced, the fade it used, and
/// the scene that was current before it.
struct SceneUndo {
    std::vector<port::ParamChange> values;
    double fadeSeconds = 0.0;
    std::string current;
    bool dirty = false;
};

} // namespace backline::show
