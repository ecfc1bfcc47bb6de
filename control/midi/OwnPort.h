// SPDX-License-Identifier: GPL-3.0-or-later
// The rule that keeps MidiDevices from opening its own ports: which port names are ours.
// A pure function, called by the thread that owns the MidiDevices ([control]).
#pragma once

#include <string_view>

namespace backline::control::midi {

/// Whether portName (as RtMidi lists it, "client:port…") belongs to a client of ours: one
/// whose name is clientName, or clientName followed by '-' and digits. Every RtMidi object is a
/// client of its own under JACK, and JACK renames the second and later ones of a name
/// "NAME-01", "NAME-02"… (JACK2), so this is the only way to know them: RtMidi does not say
/// which name JACK gave. Their ports are listed like anyone's (under JACK our inputs are JACK
/// input ports, the very kind an output opens, and the other way round), and opening one would
/// feed what backline sends back into what it receives. When the daemon's own JACK client
/// has the same name (the default, "backline"), its engine's MIDI ports are ours too: feedback
/// for a controller never reaches an instrument's input. Under ALSA the client part is the
/// sequencer client's name, which ALSA does not make unique: the same rule holds.
bool isOwnPort(std::string_view portName, std::string_view clientName) noexcept;

} // namespace backline::control::midi
