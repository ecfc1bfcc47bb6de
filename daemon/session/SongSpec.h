// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "session/SourceLocation.h"

#include <optional>
#include <string_view>
#include <string>
#include <vector>

/// Songs and the setlist as plain values (`songs:`, `setlist:`): what a band plays, section by
/// section, and in which order. Read by session/SongReader.
namespace backline::session {

/// What a section does when its last bar ends.
enum class SectionEnd {
    Next, ///< the next section starts; after the last one the song is over (the transport stops)
    Loop, ///< the section starts again, until a jump asks otherwise (a chorus stretched live)
    Stop, ///< the transport stops at the section's end
    Goto, ///< the section named by `gotoSection` starts
};

/// A meter as a section or song states it.
struct MeterSpec {
    int num = 4;
    int den = 4;
    bool operator==(const MeterSpec&) const = default;
};

/// One section of a song: bars of music, with a scene recalled on its first sample.
struct SectionSpec {
    std::string name;
    int bars = 1;                   ///< 1 … maxSectionBars
    std::string scene;              ///< recalled on the section's first sample; empty: none
    double fadeSeconds = 0.0;       ///< the recall's fade (0: on the first sample)
    std::optional<double> tempo;    ///< BPM from the section's first sample; else the tempo playing
    std::optional<MeterSpec> meter; ///< from the section's first bar; else the meter playing
    SectionEnd then = SectionEnd::Next;
    std::string gotoSection;        ///< SectionEnd::Goto: a section of the same song
    SourceLocation where;           ///< the section in the file
    SourceLocation sceneWhere;      ///< its `scene:` value, for a scene the session does not have
};

/// A song: the tempo and meter it starts at and its sections in playing order.
struct SongSpec {
    std::string name;
    std::optional<double> tempo;    ///< BPM at the song's start; else the session's `transport.tempo`
    std::optional<MeterSpec> meter; ///< at the song's start; else the session's `transport.meter`
    std::vector<SectionSpec> sections; ///< at least one
    SourceLocation where;

    /// The index of the section called wanted, or -1.
    int sectionIndex(std::string_view wanted) const;
    /// The section a play from the first one comes back to as written (a `loop`, a `goto` to
    /// itself or back), so the song never ends by itself; nullptr when it does (a `stop`, or
    /// `next` after its last section).
    const SectionSpec* firstRepeat() const;
};

/// One place of the setlist: a song by name (a song may be played more than once).
struct SetlistEntry {
    std::string song;
    SourceLocation where; ///< the name in `setlist:` (the song's own when the session has no setlist)
};

/// Most bars one section may have: a long drone is a loop, not a 10,001-bar section.
inline constexpr int maxSectionBars = 10'000;

} // namespace backline::session
