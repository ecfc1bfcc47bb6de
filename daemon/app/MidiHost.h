// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// MidiSurface first: its headers say backline::midi as midi:: inside backline::control, which
// must not know a backline::control::midi yet.
#include "control/midi/MidiSurface.h"
#include "control/midi/MidiArrival.h"
#include "control/midi/PortPattern.h"
#include "control/osc/ClockEstimator.h"
#include "engine/rt/MidiWire.h"
#include "port/ControlPort.h"
#include "port/Listeners.h"
#include "session/SessionSpec.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace backline::control::midi {
class MidiDevices;
}

namespace backline::app {

/// The MIDI controllers' side of the daemon: the surface (mappings, feedback, learn) on the
/// control port, and the hardware ports it reads and feeds through RtMidi, opened as the
/// session's `midi:` section asks. A thread of its own ("midi-ctl") owns the devices: it opens
/// and re-patterns them, polls them for hot-plug once a second and sends the feedback due
/// every few milliseconds, and serves the daemon's own JACK MIDI ports through the engine's
/// MidiWire. A session without inputs or outputs opens no device at all.
class MidiHost {
public:
    /// The daemon's JACK client name (RtMidi's JACK clients are named after it). The JACK server
    /// is $JACK_DEFAULT_SERVER's, which the daemon sets before any thread starts.
    /// wire: the session's own JACK MIDI ports (backline:midi_in read as the controllers are,
    /// backline:midi_out fed as they are), which this thread serves from the other end.
    MidiHost(port::ControlPort& control, port::Listeners& listeners, std::string clientName, engine::MidiWire& wire);
    ~MidiHost();
    MidiHost(const MidiHost&) = delete;
    MidiHost& operator=(const MidiHost&) = delete;

    /// The mappings as surfaces edit them.
    port::MidiPort& port() { return surface_; }
    /// [control] Takes the session's `midi:` section: at start and after each reload (the
    /// session check has vetted its mappings against the graph); starts the thread on first use.
    void adopt(const session::MidiSpec& spec);
    /// [control] Lets every device go and stops the thread.
    void stop();
    /// [control] The mappings a save writes, and that they are written.
    std::vector<midi::MidiMapping> toSave() const { return surface_.toSave(); }
    void markSaved(const std::vector<midi::MidiMapping>& saved) { surface_.markSaved(saved); }

private:
    /// What the devices should be: the API and the patterns; no patterns, no devices.
    struct Wish {
        session::MidiApi api = session::MidiApi::Auto;
        std::vector<std::string> inputs;
        std::vector<std::string> outputs;
        bool operator==(const Wish&) const = default;
    };
    /// [midi-ctl] Opens, re-patterns or closes the devices to match wish.
    void apply(const Wish& wish);
    /// [midi-ctl] The loop: wishes, polls, feedback.
    void run();

    /// [midi-ctl] Hands what backline:midi_in brought to the surface.
    void drainWire();
    /// [midi-in] One message from a hardware input: to the surface when the port is a
    /// controller's (`midi.inputs`), to each instrument whose `midi.devices` name the port.
    void route(const control::midi::MidiArrival& arrival);
    /// [midi-in] The engine frame a message that arrived at monotonicNs plays on: the frame due
    /// then, a fixed delay later, so notes keep their spacing (see config::midiDeviceDelaySeconds).
    std::uint64_t frameFor(std::int64_t monotonicNs);

    /// Where a port's messages go, by port id (worked out once per port and session).
    struct Route {
        bool surface = false;
        std::vector<std::string> tracks;
    };
    struct Keyboard {
        std::string track;
        control::midi::PortPatterns ports;
    };

    std::string clientName_;
    port::ControlPort& control_;
    engine::MidiWire& wire_;
    control::MidiSurface surface_;

    std::mutex mutex_; // guards the four below
    std::condition_variable wake_;
    std::optional<Wish> wish_; // a new wish for the thread
    bool stop_ = false;
    std::thread thread_;

    mutable std::mutex devicesMutex_; // guards the pointer for status(); the thread owns the devices
    std::unique_ptr<control::midi::MidiDevices> devices_;
    Wish applied_;

    std::mutex routesMutex_; // guards the four below: adopt() sets them, the midi-in thread reads
    control::midi::PortPatterns controllers_;
    std::vector<Keyboard> keyboards_;
    std::unordered_map<std::uint32_t, Route> routes_; // by MidiArrival::portId
    control::ClockEstimator engineClock_;             // sampled by midi-ctl, read by midi-in
};

} // namespace backline::app
