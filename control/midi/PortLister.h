// SPDX-License-Identifier: GPL-3.0-or-later
// PortLister: the RtMidi objects, opened on no port, that list the MIDI ports there are.
#pragma once

#include "control/midi/MidiApi.h"
#include "control/midi/RtMidiErrors.h"
#include "core/Result.h"

#include <memory>
#include <string>
#include <vector>

namespace backline::control::midi {

/// One RtMidiIn and one RtMidiOut that only list ports (under JACK each is a client with no
/// ports; under ALSA a sequencer client). Owned and used by one thread ([control]).
class PortLister {
public:
    /// [control] Opens the two listers for api (Alsa or Jack); an error with RtMidi's reason.
    static Result<std::unique_ptr<PortLister>> open(MidiApi api, const std::string& clientName);
    ~PortLister();
    PortLister(const PortLister&) = delete;
    PortLister& operator=(const PortLister&) = delete;

    /// [control] The ports an input can open (sources: a keyboard's output, a JACK MIDI
    /// output port), by name, in RtMidi's order.
    Result<std::vector<std::string>> inputs();
    /// [control] The ports an output can open (destinations).
    Result<std::vector<std::string>> outputs();

private:
    PortLister() = default;
    // The errors outlive the objects that report into them: declared first, destroyed last.
    RtMidiErrors inErrors_;
    RtMidiErrors outErrors_;
    std::unique_ptr<RtMidiIn> in_;
    std::unique_ptr<RtMidiOut> out_;
};

} // namespace backline::control::midi
