// SPDX-License-Identifier: GPL-3.0-or-later
// The arrangement's message and what subscribers are sent of it (see ArrangementFeed.h).
#include "control/osc/ArrangementFeed.h"

#include <algorithm>
#include <climits>

namespace backline::control {

OscReply arrangementStatusMessage(const port::ArrangementStatus& s)
{
    return OscReply {"/arrangement/status",
        {s.song, s.setlistPlace, s.section, int(std::clamp<std::int64_t>(s.barInSection, 0, INT_MAX)), s.sectionBars,
            s.next, int(s.playing), int(s.looping)}};
}

std::optional<OscReply> ArrangementFeed::poll()
{
    const port::ArrangementStatus s = arrangement_.status();
    Seen now {s.song, s.setlistPlace, s.section, s.barInSection, s.sectionBars, s.next, s.playing, s.looping};
    const bool first = !seen_;
    if (!first && *seen_ == now)
        return std::nullopt;
    seen_ = std::move(now);
    if (first)
        return std::nullopt;
    return arrangementStatusMessage(s);
}

} // namespace backline::control
