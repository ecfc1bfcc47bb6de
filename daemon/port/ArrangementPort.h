// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backline::port {

/// When a jump in the show lands while the transport rolls (stopped, at once).
enum class JumpWhen : std::uint8_t {
    Now,     ///< at once when no section plays; else on the next beat, where a bar then begins
    Beat,    ///< on the first sample of the next beat, where a bar then begins
    Bar,     ///< on the first sample of the next bar (the default)
    Section, ///< when the section playing ends
};

/// "now", "beat", "bar" or "section".
std::string_view toString(JumpWhen when);
/// The moment a surface or the session names, if it names one.
std::optional<JumpWhen> parseJumpWhen(std::string_view text);

/// Where the show is, after the engine's last block.
struct ArrangementStatus {
    std::vector<std::string> setlist; ///< the songs in playing order
    int setlistPlace = -1;            ///< of the song cued or playing, from 0; -1: none
    std::string song;                 ///< empty: none
    std::string section;              ///< the section playing or, stopped, the one a play enters
    std::string next;                 ///< the section after it; empty: the song ends with it
    std::int64_t barInSection = 0;    ///< from 1 while a section plays; 0 otherwise
    int sectionBars = 0;
    bool playing = false;             ///< a section plays (the transport rolls inside the song)
    bool looping = false;             ///< `/arrangement/loop` holds the section
    bool jumpPending = false;         ///< a jump waits for its moment
    std::uint64_t changes = 0;        ///< counts section starts: a new count means tell surfaces
};

/// The songs of the session and the setlist, as every surface reaches them: cue a song, jump
/// between sections, hold a section in a loop. Implemented by the engine's control side
/// (engine::ArrangementControl); the audio thread's arrangement carries the jumps out on the
/// exact first sample of the moment asked. Thread-safe; never called on the audio thread. A
/// refused request changes nothing; its error says why.
class ArrangementPort {
public:
    virtual ~ArrangementPort() = default;
    /// Cues song name (stopped: the transport goes to its start at its tempo and meter; rolling:
    /// it starts at the moment asked). Returns the song's name.
    virtual Result<std::string> cueSong(std::string_view name, JumpWhen when = JumpWhen::Bar) = 0;
    /// Cues the song at setlist place (from 0); returns its name.
    virtual Result<std::string> cueSong(int place, JumpWhen when = JumpWhen::Bar) = 0;
    /// The setlist's next song (an error after the last) and the one before (the first stays);
    /// returns the name of the song it goes to.
    virtual Result<std::string> nextSong(JumpWhen when = JumpWhen::Bar) = 0;
    virtual Result<std::string> prevSong(JumpWhen when = JumpWhen::Bar) = 0;
    /// Goes to section name of the song cued or playing; returns its name.
    virtual Result<std::string> gotoSection(std::string_view name, JumpWhen when = JumpWhen::Bar) = 0;
    /// The next section in the song's order and the one before; returns the name of the
    /// section it goes to (empty: past the last, the song ends there).
    virtual Result<std::string> nextSection(JumpWhen when = JumpWhen::Bar) = 0;
    virtual Result<std::string> prevSection(JumpWhen when = JumpWhen::Bar) = 0;
    /// Holds the section playing in a loop (on) or lets it go on as written (off).
    virtual Result<void> loop(bool on) = 0;
    /// Where the show is.
    virtual ArrangementStatus status() const = 0;
};

} // namespace backline::port
