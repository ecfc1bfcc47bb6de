// SPDX-License-Identifier: GPL-3.0-or-later
// The current scene over OSC: the message that says it (a reply and feedback alike) and
// SceneFeed, what subscribers are sent of it and when.
#pragma once

#include "control/osc/OscReply.h"
#include "port/ScenePort.h"

#include <cstdint>
#include <optional>

namespace backline::control {

/// `/scene/current s:name i:dirty` (name empty when no scene is current).
OscReply sceneCurrentMessage(const port::SceneCurrent& current);

/// What subscribers hear of the scenes: `/scene/current` after every recall, undo, store,
/// rename or delete of the current scene, and when it turns dirty — whoever did it. Polled by
/// the OSC thread with the transport (every 50 ms): changes within one poll reach subscribers
/// as one message with the latest state. OSC thread only.
class SceneFeed {
public:
    explicit SceneFeed(const port::ScenePort& scenes)
        : scenes_(scenes)
    {
    }

    /// [osc] The message subscribers are owed, if the current scene changed since the last
    /// poll. The first poll sends nothing: it learns where things stand.
    std::optional<OscReply> poll();

private:
    const port::ScenePort& scenes_;
    bool primed_ = false;
    std::uint64_t changes_ = 0;
};

} // namespace backline::control
