// SPDX-License-Identifier: GPL-3.0-or-later
// Voices: who plays which note on an instrument — the voice allocator. Pure bookkeeping over a
// fixed set of voice slots, no DSP: the instrument (rt/Instrument.cpp) computes the slots that
// sound and writes each one's pitch, gain and gate into its DSP.
#pragma once

#include "core/Nonblocking.h"
#include "engine/rt/VoiceEvent.h"

#include <array>
#include <cstdint>
#include <vector>

namespace backline::engine {

/// How an instrument answers overlapping notes.
enum class VoiceMode : std::uint8_t {
    Poly,   ///< each note its own voice, up to the polyphony
    Mono,   ///< one voice; a new note retriggers it (the last key held wins, and a released key
            ///< falls back to the one held before it)
    Legato, ///< one voice; a note while another is held only changes the pitch (no new attack)
};

/// One voice slot (a DSP instance of the instrument).
struct Voice {
    enum class State : std::uint8_t {
        Free,      ///< silent: not computed
        Held,      ///< its key is down
        Sustained, ///< its key is up but the sustain pedal holds it
        Released,  ///< releasing (gate 0) until its output has been silent for a while
        Stolen,    ///< taken for another note: fading out over the steal fade, then free
    };
    State state = State::Free;
    std::uint8_t note = 0;
    float velocity = 0.0f;   ///< gain 0..1
    std::uint64_t age = 0;   ///< when its note started (a counter): the oldest is stolen first
    std::uint64_t released = 0; ///< when its key was let go (a counter)
    std::uint32_t fadeLeft = 0; ///< Stolen: frames of the steal fade still to go
    std::uint32_t quiet = 0;    ///< Released: frames in a row its output stayed under the silence floor
    bool start = false;         ///< a note starts on it: its DSP begins from rest before its next frame
    /// Let go before it ever sounded (a note on and off on one frame, a drum pad's trigger): it
    /// is released once it has been computed for one frame, so its gate is seen to rise.
    bool releaseDue = false;
};

/// The voice allocator of one instrument. prepare() off the audio thread; everything else on it.
class Voices {
public:
    /// [control] polyphony notes at most sound at once, on polyphony × 2 slots (a stolen voice
    /// fades out on its slot while the note that stole it starts on another); Mono and Legato
    /// play one note on 2 slots. A stolen voice fades over stealFadeFrames; a released voice whose
    /// output stayed silent for quietFrames is freed.
    void prepare(std::uint32_t polyphony, VoiceMode mode, std::uint32_t stealFadeFrames, std::uint32_t quietFrames);

    /// [audio] Applies one event (its frame is the caller's business).
    void apply(const VoiceEvent& event) noexcept BACKLINE_NONBLOCKING;

    /// [audio] After a stretch of n frames in which slot v sounded: a stolen voice moves its fade
    /// on (free once done); a released one counts the frames its output stayed under the floor
    /// (peak: the stretch's largest magnitude), free once they reach the quiet time.
    void after(std::size_t v, std::uint32_t n, float peak) noexcept BACKLINE_NONBLOCKING;

    /// [audio] Every voice free and the keys, pedal and bend reset (after a DSP fault).
    void reset() noexcept BACKLINE_NONBLOCKING;

    std::size_t slots() const noexcept { return voices_.size(); }
    const Voice& voice(std::size_t v) const noexcept { return voices_[v]; }
    /// [audio] Frees slot v at once (its DSP failed: it has nothing left to fade).
    void silence(std::size_t v) noexcept BACKLINE_NONBLOCKING { voices_[v] = Voice {}; }
    /// [audio] The note has started (its DSP was cleared).
    void started(std::size_t v) noexcept BACKLINE_NONBLOCKING { voices_[v].start = false; }
    /// True when a voice let go before it sounded waits for its first frame (the caller then
    /// computes one frame before the next events, then calls releaseDue()).
    bool releaseWaiting() const noexcept BACKLINE_NONBLOCKING;
    /// [audio] Releases the voices let go before they sounded that have now been computed.
    void releaseDue() noexcept BACKLINE_NONBLOCKING;
    /// Pitch bend now, in [-1, 1].
    float bend() const noexcept { return bend_; }
    std::uint32_t stealFadeFrames() const noexcept { return stealFade_; }
    /// Slots not free.
    std::size_t sounding() const noexcept;
    /// Notes stolen so far (a statistic).
    std::uint64_t steals() const noexcept { return steals_; }

private:
    void noteOn(std::uint8_t note, float velocity) noexcept BACKLINE_NONBLOCKING;
    void noteOff(std::uint8_t note) noexcept BACKLINE_NONBLOCKING;
    void sustain(bool down) noexcept BACKLINE_NONBLOCKING;
    void releaseAll() noexcept BACKLINE_NONBLOCKING;
    /// Lets voice v go: released, or sustained while the pedal is down.
    void letGo(Voice& v) noexcept BACKLINE_NONBLOCKING;
    /// Starts note on a slot, stealing one first when the polyphony is reached.
    void start(std::uint8_t note, float velocity) noexcept BACKLINE_NONBLOCKING;
    /// Fades voice v out (Stolen).
    void steal(Voice& v) noexcept BACKLINE_NONBLOCKING;
    /// The voice to steal: the oldest released, else the oldest sustained, else the oldest held.
    Voice* victim() noexcept BACKLINE_NONBLOCKING;
    /// A free slot; when every slot is busy, the stolen voice nearest the end of its fade, cut.
    Voice& freeSlot() noexcept BACKLINE_NONBLOCKING;
    /// Mono and Legato: the voice playing (held or sustained), if any.
    Voice* playing() noexcept BACKLINE_NONBLOCKING;
    void pushKey(std::uint8_t note) noexcept BACKLINE_NONBLOCKING;
    void dropKey(std::uint8_t note) noexcept BACKLINE_NONBLOCKING;

    std::vector<Voice> voices_;
    std::uint32_t polyphony_ = 1;
    VoiceMode mode_ = VoiceMode::Poly;
    std::uint32_t stealFade_ = 0;
    std::uint32_t quietFrames_ = 0;
    std::uint64_t clock_ = 0; ///< counts note starts and releases, for age and released
    bool pedal_ = false;
    float bend_ = 0.0f;
    std::uint64_t steals_ = 0;
    /// Mono and Legato: the keys held, oldest first (the last one plays).
    std::array<std::uint8_t, 128> keys_ {};
    std::size_t numKeys_ = 0;
};

} // namespace backline::engine
