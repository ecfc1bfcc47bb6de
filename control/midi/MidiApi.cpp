// SPDX-License-Identifier: GPL-3.0-or-later
// MidiApi: naming the MIDI APIs and choosing one for Auto ([control]).
#include "control/midi/MidiApi.h"

#include <cstdlib>
#include <unistd.h>

namespace backline::control::midi {

std::string_view apiName(MidiApi api) noexcept
{
    switch (api) {
    case MidiApi::Alsa:
        return "alsa";
    case MidiApi::Jack:
        return "jack";
    case MidiApi::Auto:
        break;
    }
    return "auto";
}

bool alsaSequencerPresent() noexcept
{
    return ::access("/dev/snd/seq", R_OK | W_OK) == 0;
}

MidiApi concreteApi(MidiApi wanted, bool sequencer) noexcept
{
    if (wanted != MidiApi::Auto)
        return wanted;
    return sequencer ? MidiApi::Alsa : MidiApi::Jack;
}

std::string jackServerLabel(const std::string& option)
{
    if (!option.empty())
        return option;
    if (const char* env = std::getenv("JACK_DEFAULT_SERVER"); env && *env)
        return env;
    return "default";
}

} // namespace backline::control::midi
