// SPDX-License-Identifier: GPL-3.0-or-later
// Solo-in-place (see Audibility.h).
#include "engine/rt/Audibility.h"

namespace backline::engine {

void updateAudibility(Graph& graph) noexcept
{
    bool anySolo = false;
    for (const auto& t : graph.tracks)
        anySolo = anySolo || t.solo >= 0.5f;
    for (const auto& b : graph.buses)
        anySolo = anySolo || b.solo >= 0.5f;

    for (std::size_t b = 0; b < graph.buses.size(); ++b) {
        auto& bus = graph.buses[b];
        bool heard = !anySolo || bus.solo >= 0.5f || (bus.aux && bus.soloSafe >= 0.5f);
        if (!heard && !bus.aux)
            for (const auto& t : graph.tracks)
                for (const auto& r : t.routes)
                    heard = heard || (t.solo >= 0.5f && r.destination == b && r.on >= 0.5f);
        bus.audible.follow(bus.mute < 0.5f && heard ? 1.0f : 0.0f);
    }
    for (auto& track : graph.tracks) {
        bool heard = !anySolo || track.solo >= 0.5f;
        for (const auto& r : track.routes)
            heard = heard
                || (r.on >= 0.5f && r.destination != masterDestination && graph.buses[r.destination].solo >= 0.5f);
        track.audible.follow(track.mute < 0.5f && heard ? 1.0f : 0.0f);
    }
}

} // namespace backline::engine
