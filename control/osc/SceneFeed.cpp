// SPDX-License-Identifier: GPL-3.0-or-later
// The current scene's message and what subscribers are sent of it (see SceneFeed.h).
#include "control/osc/SceneFeed.h"

namespace backline::control {

OscReply sceneCurrentMessage(const port::SceneCurrent& current)
{
    return OscReply {"/scene/current", {current.name, int(current.dirty)}};
}

std::optional<OscReply> SceneFeed::poll()
{
    const port::SceneCurrent current = scenes_.current();
    const bool changed = current.changes != changes_;
    const bool first = !primed_;
    primed_ = true;
    changes_ = current.changes;
    if (!changed || first)
        return std::nullopt;
    return sceneCurrentMessage(current);
}

} // namespace backline::control
