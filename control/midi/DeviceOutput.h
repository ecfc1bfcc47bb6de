// SPDX-License-Identifier: GPL-3.0-or-later
// DeviceOutput: one open hardware MIDI output (an RtMidiOut on one port) and sending to it.
#pragma once

#include "control/midi/MidiApi.h"
#include "control/midi/RtMidiErrors.h"
#include "core/Result.h"
#include "midi/MidiMessage.h"

#include <cstdint>
#include <memory>
#include <string>

namespace backline::control::midi {

/// An RtMidiOut connected to one port. Made, used and destroyed by one thread ([control]).
class DeviceOutput {
public:
    /// [control] Opens portName (a name PortLister listed) through api as client clientName;
    /// an error with RtMidi's reason when it cannot, or the port went meanwhile.
    static Result<std::unique_ptr<DeviceOutput>> open(MidiApi api, const std::string& clientName,
        const std::string& portName);
    ~DeviceOutput();
    DeviceOutput(const DeviceOutput&) = delete;
    DeviceOutput& operator=(const DeviceOutput&) = delete;

    /// [control] Sends message; false when RtMidi failed, which marks the port failed (the
    /// next poll lets it go; the caller logs).
    bool send(const backline::midi::MidiMessage& message) noexcept;

    /// The port's name as RtMidi listed it.
    const std::string& name() const noexcept { return name_; }
    /// Whether a send failed since the port was opened.
    bool failed() const noexcept { return failures_ > 0; }
    /// RtMidi's reason for the first failed send.
    const std::string& failure() const noexcept { return failure_; }

private:
    explicit DeviceOutput(std::string name);

    std::string name_;
    RtMidiErrors errors_; // outlives rt_, which reports into it
    std::unique_ptr<RtMidiOut> rt_;
    std::uint64_t failures_ = 0;
    std::string failure_;
};

} // namespace backline::control::midi
