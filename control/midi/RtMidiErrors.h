// SPDX-License-Identifier: GPL-3.0-or-later
// RtMidiErrors: the edge where RtMidi's two ways of failing (throwing RtMidiError, calling an
// error callback) become a Result. Private to backline_midi_devices; every call into RtMidi
// goes through guarded(). Used by the thread that owns the MidiDevices ([control]).
#pragma once

#include "control/midi/MidiApi.h"
#include "core/Result.h"

#include <rtmidi/RtMidi.h>

#include <exception>
#include <string>
#include <utility>

namespace backline::control::midi {

/// The RtMidi API for a concrete MidiApi (Alsa or Jack).
RtMidi::Api rtMidiApi(MidiApi api) noexcept;

/// What RtMidi reported through one object's error callback during the last guarded() call.
/// Registered with setErrorCallback before anything else is asked of the object: then RtMidi
/// never throws its errors but hands them here (its error() returns after the callback, even
/// for a critical one, and the call carries on or returns early: the reason guarded() checks
/// this after every call). RtMidi calls it only from inside the calls made on it (its ALSA
/// input thread and JACK process callback print to stderr instead), so [control] alone.
class RtMidiErrors {
public:
    /// The RtMidiErrorCallback to register, with this as its user data.
    static void onError(RtMidiError::Type type, const std::string& text, void* self) noexcept;

    /// Forgets what was reported.
    void clear() noexcept { failed_ = false; }
    /// Whether an error or a warning was reported since clear() (debug warnings do not count).
    bool failed() const noexcept { return failed_; }
    /// RtMidi's text for the last one.
    const std::string& message() const noexcept { return message_; }

private:
    bool failed_ = false;
    std::string message_;
};

/// Runs call (a lambda making calls on one RtMidi object whose error callback is errors), and
/// turns an exception out of it or an error reported meanwhile into an ErrorCode::Midi error
/// with RtMidi's text. Nothing RtMidi throws gets further.
template <class F>
Result<void> guarded(RtMidiErrors& errors, F&& call)
{
    errors.clear();
    try {
        std::forward<F>(call)();
    } catch (const std::exception& e) { // RtMidiError, and std::bad_alloc from its vectors
        return makeError(ErrorCode::Midi, e.what());
    }
    if (errors.failed())
        return makeError(ErrorCode::Midi, errors.message());
    return {};
}

/// The index of the port called name in rt's port list, or an error when it is not there
/// (gone since it was listed). RtMidi opens ports by index only, so this looks the name up on
/// the very object that will open it, right before it does.
Result<unsigned> findPort(RtMidi& rt, RtMidiErrors& errors, const std::string& name);

} // namespace backline::control::midi
