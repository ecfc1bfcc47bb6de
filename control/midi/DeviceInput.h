// SPDX-License-Identifier: GPL-3.0-or-later
// DeviceInput: one open hardware MIDI input (an RtMidiIn on one port) and the order it is torn
// down in, so RtMidi's callback never outlives the inbox it writes to.
#pragma once

#include "control/midi/MidiApi.h"
#include "control/midi/MidiInbox.h"
#include "control/midi/RtMidiErrors.h"
#include "core/Result.h"

#include <memory>
#include <string>

namespace backline::control::midi {

/// An RtMidiIn connected to one port, delivering into an inbox. Made, used and destroyed by
/// one thread ([control]); RtMidi calls the inbox's callback on its own thread meanwhile.
class DeviceInput {
public:
    /// [control] Opens portName (a name PortLister listed) through api as client clientName:
    /// SysEx and active sensing ignored, timing clock and time code kept. An error with
    /// RtMidi's reason when the port cannot be opened, or went meanwhile.
    static Result<std::unique_ptr<DeviceInput>> open(MidiApi api, const std::string& clientName,
        const std::string& portName, std::shared_ptr<MidiInbox> inbox);
    /// [control] Closes the port, then lets the inbox go (see the .cpp for why in that order).
    ~DeviceInput();
    DeviceInput(const DeviceInput&) = delete;
    DeviceInput& operator=(const DeviceInput&) = delete;

    /// The port's name as RtMidi listed it.
    const std::string& name() const noexcept { return inbox_->portName(); }
    /// The inbox RtMidi's callback fills.
    const std::shared_ptr<MidiInbox>& inbox() const noexcept { return inbox_; }

private:
    explicit DeviceInput(std::shared_ptr<MidiInbox> inbox);

    // Destroyed bottom up: the RtMidiIn first, then what its callbacks point at.
    RtMidiErrors errors_;
    std::shared_ptr<MidiInbox> inbox_;
    std::unique_ptr<RtMidiIn> rt_;
};

} // namespace backline::control::midi
