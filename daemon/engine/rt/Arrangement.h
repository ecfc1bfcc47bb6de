// SPDX-License-Identifier: GPL-3.0-or-later
// Arrangement: the audio thread's song player — which section plays, where it ends, what comes
// next — moved by the transport's bars, so a section starts on exactly the first sample of its
// bar whatever the control threads are doing, and an offline render starts it on the same sample.
#pragma once

#include "core/Nonblocking.h"
#include "engine/ShowPlan.h"
#include "engine/rt/ArrangementRequest.h"
#include "engine/rt/Seqlock.h"
#include "engine/rt/Transport.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace backline::engine {

/// A section starting inside a block: the block processor recalls its scene at `frame` (a
/// timed batch: the block is split there) and tells the control side (marker, feedback).
struct SectionStart {
    std::uint64_t frame = 0;   ///< engine frame of its first sample
    std::int32_t section = -1; ///< into the plan's sections
    ParamBatch* scene = nullptr; ///< to recall at frame; null: none (no scene, or a loop's next pass)
};

/// Plays a ShowPlan against the transport. While the transport rolls in a song, the section
/// playing ends on the first sample of the bar its length reaches and the next one (by its
/// `then`, or a jump asked for) starts there: its tempo and meter are asked of the transport
/// for that frame, its scene and marker are handed out as a SectionStart. Stopped, jumps
/// happen at once (a song is cued: located to bar 1 at its tempo and meter); rolling, at the
/// boundary asked for. Starting to roll, or a locate while rolling, enters the section the bar
/// falls in (counted in the song's written order from the bar its first section began on) and
/// recalls its scene there. A loop's later passes keep what was changed live during the first
/// (no recall) but still report their start. At most one section starts per block. Audio
/// thread only, but read().
class Arrangement {
public:
    /// [audio] Plays plan (nullptr: none) from nothing: no song until one is cued. keepPlace:
    /// plan has the same songs and sections as the one playing (its scenes changed): the song
    /// and section playing play on.
    void install(const ShowPlan* plan, bool keepPlace = false) noexcept BACKLINE_NONBLOCKING;
    /// [audio] Takes a request; a jump waits for plan() (a later one replaces it), a loop switch
    /// holds at once.
    void request(const ArrangementRequest& request) noexcept BACKLINE_NONBLOCKING;
    /// [audio] Before the block [start, start + nframes) runs, with transport where it stands at
    /// start: the section start due in the block (returned in out, at most one), its transport
    /// changes requested of transport for its frame. Returns how many of out it filled.
    std::size_t plan(Transport& transport, std::uint64_t start, std::uint32_t nframes, std::span<SectionStart> out) noexcept
        BACKLINE_NONBLOCKING;

    /// [any] The arrangement after the last block.
    ArrangementSnapshot read() const noexcept BACKLINE_NONBLOCKING { return published_.load(); }

private:
    /// Where a section's end or a jump leads.
    struct Target {
        enum class Kind : std::uint8_t {
            Nothing,  ///< a jump that goes nowhere (next song after the last): dropped
            Section,  ///< `section` of the song playing
            Song,     ///< the first section of the song at setlist place `place`
            SongOver, ///< the transport stops; the setlist's next song is cued
            Stop,     ///< `then: stop`: the transport stops at the section's end
        };
        Kind kind = Kind::Nothing;
        std::int32_t section = -1;
        std::int32_t place = -1;
    };

    void cue(Transport& transport, std::int32_t place, std::uint64_t start) noexcept BACKLINE_NONBLOCKING;
    void jumpStopped(Transport& transport, std::uint64_t start) noexcept BACKLINE_NONBLOCKING;
    std::size_t enter(Transport& transport, std::uint64_t start, std::span<SectionStart> out) noexcept
        BACKLINE_NONBLOCKING;
    Target afterEnd() const noexcept BACKLINE_NONBLOCKING;
    Target resolve(const ArrangementRequest& jump) const noexcept BACKLINE_NONBLOCKING;
    /// Moves to target at transport frame at (engine frame frame); newBar: a bar begins there
    /// (a jump on a beat); loopPass: a section's end leads to it again.
    std::size_t perform(Transport& transport, const Target& target, std::int64_t at, std::uint64_t frame,
        std::uint64_t start, bool newBar, bool loopPass, std::span<SectionStart> out) noexcept BACKLINE_NONBLOCKING;
    void stopAt(Transport& transport, const Target& target, std::int64_t at, std::uint64_t frame,
        std::uint64_t start) noexcept BACKLINE_NONBLOCKING;
    /// Asks transport for a tempo (0: none) and a meter (0: none) at frame.
    static void requestTempoAndMeter(Transport& transport, double tempo, std::int32_t num, std::int32_t den,
        std::uint64_t frame, std::uint64_t start) noexcept BACKLINE_NONBLOCKING;
    /// Whether the transport, though not where the last block left it, has only moved on inside
    /// the section playing (or onto its end): cycles run without this engine, not a locate.
    bool stillInSection(const Transport& transport) const noexcept BACKLINE_NONBLOCKING;
    /// The section of the song playing that bar falls in, by the written order; -1 outside it.
    std::int32_t sectionAtBar(std::int64_t bar, std::int64_t& sectionStartBar) const noexcept BACKLINE_NONBLOCKING;
    void publish(const Transport& transport) noexcept BACKLINE_NONBLOCKING;

    const ShowPlan* plan_ = nullptr;
    std::int32_t place_ = -1;      // setlist place of the song; -1: none
    std::int32_t song_ = -1;
    std::int32_t section_ = -1;    // the section playing or, stopped, the one a play enters
    bool active_ = false;          // a section is playing (rolling, inside the song)
    std::int64_t startBar_ = 1;    // the transport bar the section began on
    std::int64_t songStartBar_ = 1; // the bar the song's first section begins on (written order)
    std::uint64_t sectionStartFrame_ = 0;
    bool looping_ = false;
    ArrangementRequest pending_ {};
    bool wasRolling_ = false;
    // Frames left to wait for the stop this arrangement asked for (a leading transport, JACK's,
    // stops a cycle or two later): meanwhile rolling enters nothing. 0: not waiting.
    std::int64_t awaitingStop_ = 0;
    std::int64_t expected_ = 0;    // where the transport should stand at the next block, unless moved
    std::uint64_t passes_ = 0;
    Seqlock<ArrangementSnapshot> published_;
};

} // namespace backline::engine
