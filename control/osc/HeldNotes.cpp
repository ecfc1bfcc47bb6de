// SPDX-License-Identifier: GPL-3.0-or-later
// The notes each connection holds down (HeldNotes.h). OSC thread.
#include "control/osc/HeldNotes.h"

namespace backline::control {

void HeldNotes::played(std::uint64_t connection, std::string_view track, int note, double velocity)
{
    if (connection == 0)
        return;
    if (velocity > 0.0) {
        held_[connection].emplace(std::string(track), note);
        return;
    }
    const auto it = held_.find(connection);
    if (it == held_.end())
        return;
    it->second.erase({std::string(track), note});
    if (it->second.empty())
        held_.erase(it);
}

void HeldNotes::releasedTrack(std::string_view track)
{
    for (auto it = held_.begin(); it != held_.end();) {
        std::erase_if(it->second, [&](const auto& held) { return held.first == track; });
        it = it->second.empty() ? held_.erase(it) : std::next(it);
    }
}

std::vector<port::Note> HeldNotes::closed(std::uint64_t connection)
{
    std::vector<port::Note> offs;
    const auto it = held_.find(connection);
    if (it == held_.end())
        return offs;
    for (const auto& [track, note] : it->second)
        offs.push_back({track, note, 0.0});
    held_.erase(it);
    return offs;
}

} // namespace backline::control
