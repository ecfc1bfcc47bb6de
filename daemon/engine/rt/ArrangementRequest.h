// SPDX-License-Identifier: GPL-3.0-or-later
// What the control side asks of the audio thread's arrangement (carried in a Command), and
// what the arrangement publishes for every other thread to read.
#pragma once

#include <cstdint>
#include <type_traits>

namespace backline::engine {

/// When a jump happens while the transport rolls (stopped, everything happens at once).
enum class JumpWhen : std::uint8_t {
    Now,     ///< at the next block
    Beat,    ///< on the first sample of the next beat, which then begins a bar
    Bar,     ///< on the first sample of the next bar
    Section, ///< when the section playing ends
};

/// A jump in the show. Indices were checked by the control side against the plan it sent.
struct ArrangementRequest {
    enum class Op : std::uint8_t {
        None,
        CueSong,     ///< song at setlist place `index` from its first section
        NextSong,    ///< the setlist's next song (none after the last)
        PrevSong,    ///< the setlist's previous song (the first stays)
        GotoSection, ///< section `index` (of the plan) of the song playing
        NextSection, ///< the next section in the song's order (none after the last)
        PrevSection, ///< the section before (the first stays)
        Loop,        ///< `on`: the section playing repeats until asked otherwise
    };
    Op op = Op::None;
    JumpWhen when = JumpWhen::Bar;
    std::int32_t index = 0;
    bool on = false;
};
static_assert(std::is_trivially_copyable_v<ArrangementRequest>);

/// The arrangement after a block, for any thread to read.
struct ArrangementSnapshot {
    std::int32_t setlistPlace = -1; ///< into the plan's setlist; -1: no song
    std::int32_t song = -1;         ///< into the plan's songs
    std::int32_t section = -1;      ///< into the plan's sections
    std::int32_t next = -1;         ///< the section that follows at its end; -1: the song ends there
    std::int64_t barInSection = 0;  ///< from 1 while a section plays; 0 otherwise
    std::uint64_t sectionStartFrame = 0; ///< engine frame the section began on
    std::uint64_t passes = 0;       ///< sections started since the plan was installed
    bool looping = false;           ///< `/arrangement/loop` holds the section
    bool jumpPending = false;
};

} // namespace backline::engine
