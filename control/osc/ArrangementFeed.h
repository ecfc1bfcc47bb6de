// SPDX-License-Identifier: GPL-3.0-or-later
// The arrangement over OSC: the message that describes it (a reply and feedback alike) and
// ArrangementFeed, what subscribers are sent of it and when.
#pragma once

#include "control/osc/OscReply.h"
#include "port/ArrangementPort.h"

#include <cstdint>
#include <optional>
#include <string>

namespace backline::control {

/// `/arrangement/status s:song i:setlist_place s:section i:bar_in_section i:section_bars s:next
/// i:playing i:looping`.
OscReply arrangementStatusMessage(const port::ArrangementStatus& s);

/// What subscribers hear of the songs besides the section notices: `/arrangement/status`
/// whenever any of its fields changes — a cue, a section start, each new bar of a section, a
/// loop switched, the transport stopping — whoever did it. Polled by the OSC thread with the
/// transport (every 50 ms): changes within one poll arrive as one message with the latest
/// state. OSC thread only.
class ArrangementFeed {
public:
    explicit ArrangementFeed(const port::ArrangementPort& arrangement)
        : arrangement_(arrangement)
    {
    }

    /// [osc] The message subscribers are owed, if the status changed since the last poll. The
    /// first poll sends nothing: it learns where things stand.
    std::optional<OscReply> poll();

private:
    struct Seen {
        std::string song;
        int setlistPlace = -1;
        std::string section;
        std::int64_t barInSection = 0;
        int sectionBars = 0;
        std::string next;
        bool playing = false;
        bool looping = false;
        bool operator==(const Seen&) const = default;
    };

    const port::ArrangementPort& arrangement_;
    std::optional<Seen> seen_;
};

} // namespace backline::control
