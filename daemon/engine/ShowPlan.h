// SPDX-License-Identifier: GPL-3.0-or-later
// ShowPlan: the songs, their sections and the setlist as the audio thread's arrangement plays
// them. Built on the control side from the session and its scenes, for one graph (the scene
// recalls are batches resolved against it), swapped in whole and freed on the control side.
#pragma once

#include "engine/Command.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace backline::engine {

/// What a section does when its last bar ends (session key `then`).
enum class SectionThen : std::uint8_t {
    Next, ///< the next section; after the song's last one the song is over
    Loop, ///< this section again
    Stop, ///< the transport stops
    Goto, ///< section `gotoSection`
};

/// A section: its length in bars and what changes on its first sample.
struct SectionPlan {
    std::int32_t song = 0;          ///< index into ShowPlan::songs
    std::int32_t bars = 1;
    double tempo = 0.0;             ///< BPM from its first sample; 0: the tempo playing
    std::int32_t meterNum = 0;      ///< with meterDen, the meter from its first bar; 0: the meter playing
    std::int32_t meterDen = 0;
    SectionThen then = SectionThen::Next;
    std::int32_t gotoSection = -1;  ///< SectionThen::Goto: index into ShowPlan::sections
    ParamBatch* scene = nullptr; ///< recalled on its first sample (owned by the plan); null: none
};

/// A song: its sections are sections[firstSection, firstSection + sectionCount).
struct SongPlan {
    std::int32_t firstSection = 0;
    std::int32_t sectionCount = 0;
    double tempo = 0.0;        ///< BPM at its start; 0: the tempo playing
    std::int32_t meterNum = 0; ///< with meterDen, the meter at its start; 0: the meter playing
    std::int32_t meterDen = 0;
};

/// Everything the arrangement plays. Read-only once swapped in.
struct ShowPlan {
    std::uint64_t id = 0; ///< chosen by its builder: names the plan in SectionStarted events
    std::vector<SongPlan> songs;
    std::vector<SectionPlan> sections;
    std::vector<std::int32_t> setlist; ///< song indices in playing order
    std::vector<std::unique_ptr<ParamBatch>> scenes; ///< the batches sections point at
};

} // namespace backline::engine
