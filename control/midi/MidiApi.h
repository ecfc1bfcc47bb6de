// SPDX-License-Identifier: GPL-3.0-or-later
// MidiApi: which system MIDI API the hardware ports are reached through, how Auto chooses one,
// and their names for people. Called by the thread that owns the MidiDevices ([control]).
#pragma once

#include <string>
#include <string_view>

namespace backline::control::midi {

/// The MIDI API RtMidi lists and opens hardware ports through.
enum class MidiApi {
    Auto, ///< ALSA when this machine has an ALSA sequencer, JACK otherwise
    Alsa, ///< the ALSA sequencer (/dev/snd/seq): USB and sound card MIDI, other ALSA programs
    Jack, ///< JACK MIDI ports (hardware through a2jmidid or JACK's own ALSA MIDI bridge)
};

/// The API's name as the daemon's options, sessions and /status write it: "auto", "alsa", "jack".
std::string_view apiName(MidiApi api) noexcept;

/// [any] Whether this machine has an ALSA sequencer to open (/dev/snd/seq, readable and
/// writable by this process). Without one RtMidi's ALSA constructor fails, after printing to
/// stderr: asking first keeps a machine without one (containers, CI) quiet.
bool alsaSequencerPresent() noexcept;

/// The API to try for wanted: wanted itself unless it is Auto, which is Alsa when sequencer
/// (an ALSA sequencer exists) and Jack otherwise. Never Auto.
MidiApi concreteApi(MidiApi wanted, bool sequencer) noexcept;

/// The JACK server that option names for people: option itself, else $JACK_DEFAULT_SERVER,
/// else "default" (libjack's rule for a client opened without a server name).
std::string jackServerLabel(const std::string& option);

} // namespace backline::control::midi
