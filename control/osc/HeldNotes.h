// SPDX-License-Identifier: GPL-3.0-or-later
// The notes each TCP or WebSocket connection has started and not released, so a connection
// that closes lets go of them: a tablet whose Wi-Fi died must not leave a note sounding. OSC
// thread only.
#pragma once

#include "port/PlayPort.h"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace backline::control {

/// Who holds which note down, by connection (UDP has none: nothing tells when it is gone). [osc]
class HeldNotes {
public:
    /// A note connection played: a velocity above 0 holds it, 0 releases it.
    void played(std::uint64_t connection, std::string_view track, int note, double velocity);
    /// Every note of track released, whoever held it (all notes off).
    void releasedTrack(std::string_view track);
    /// Every note released (a panic).
    void releasedAll() { held_.clear(); }
    /// The notes connection still holds, as note-offs to play, forgotten here (it closed).
    std::vector<port::Note> closed(std::uint64_t connection);

private:
    std::unordered_map<std::uint64_t, std::set<std::pair<std::string, int>>> held_;
};

} // namespace backline::control
