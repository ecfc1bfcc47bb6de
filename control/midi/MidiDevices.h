// SPDX-License-Identifier: GPL-3.0-or-later
// MidiDevices: backline's hardware MIDI ports through RtMidi (ALSA sequencer or JACK): which
// to open by pattern, hot-plug, input onto the "midi-in" thread, output, status. Its owner's
// thread ([control]) drives it; the midi-in thread calls the sink.
#pragma once

#include "control/midi/ApiConnection.h"
#include "control/midi/MidiApi.h"
#include "control/midi/MidiArrival.h"
#include "control/midi/MidiInbox.h"
#include "control/midi/PortPattern.h"
#include "core/Result.h"
#include "midi/MidiMessage.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace backline::control::midi {

class DeviceInput;
class DeviceOutput;
class InputPump;

/// The hardware MIDI ports whose names match the patterns, kept open as they come and go.
///
/// Threads: create(), poll(), needsPoll(), setPatterns(), send() and the destructor belong to
/// one thread, the owner's ([control]: in the daemon MidiHost's midi-ctl thread, which polls
/// about once a second). status() may be called from any thread. The sink runs on the midi-in
/// thread, which this owns; RtMidi's callbacks (JACK's process thread under JACK) only queue
/// for it.
///
/// Failure is never fatal: without an ALSA sequencer or JACK server it runs with no ports,
/// says why in status() and in one warning, and tries again at every poll; a port that
/// fails is let go and opened again when it is back.
///
/// Under JACK, RtMidi 5 makes a JACK client of every object: here a watch (JackWatch), two
/// listers and one per open port, named clientName, clientName-01, … in that order. A port
/// opened in a poll carries events from the next JACK cycle on: what is sent in the cycle
/// under way when it opened is lost (an owner that greets a new output with its state sends
/// it a few milliseconds later). When the server goes away every JACK client of the process
/// must be closed before any is opened again (see poll()): this one closes its own at the
/// first poll after needsPoll() says so, and opens none for config::midiJackRetrySeconds.
class MidiDevices {
public:
    /// How to reach the ports and which to open.
    struct Options {
        MidiApi api = MidiApi::Auto;
        /// The RtMidi client name: JACK shows each of our RtMidi objects as a client of this
        /// name ("backline", "backline-01", …), ALSA shows the sequencer clients by it. Ports
        /// of clients so named are never opened (isOwnPort): give the daemon's JACK client name.
        std::string clientName = "backline";
        /// Inputs to open: PortPatterns, each matching a whole port name.
        std::vector<std::string> inputPatterns;
        /// Outputs to open, the same way.
        std::vector<std::string> outputPatterns;
        /// The JACK server (the daemon's --jack-server); empty: libjack's default. RtMidi 5
        /// takes no server name, so create() sets $JACK_DEFAULT_SERVER to it for the whole
        /// process; the daemon's own client names the same server, so nothing else changes.
        std::string jackServer;
    };

    /// What the midi-in thread hands over: one whole message.
    using Arrival = MidiArrival;
    /// Receives every whole message, on the midi-in thread; may block (it delays only MIDI).
    using Sink = std::function<void(const Arrival&)>;

    /// A snapshot for /status.
    struct Status {
        std::string api = "none"; ///< "alsa", "jack", or "none" when neither could be opened
        std::string reason;       ///< why "none" (empty otherwise)
        std::vector<std::string> inputs;  ///< open inputs, by port name
        std::vector<std::string> outputs; ///< open outputs, by port name
        std::uint64_t received = 0;   ///< whole messages handed to the sink
        std::uint64_t dropped = 0;    ///< messages lost to a full queue (the midi-in thread fell behind)
        std::uint64_t parseDrops = 0; ///< bytes the parsers dropped (broken or cut messages)
        std::uint64_t sendFailures = 0; ///< sends RtMidi refused (the port is then let go)
    };

    /// [control] Checks the patterns (an error names the bad one and regerror's reason), sets
    /// $JACK_DEFAULT_SERVER when options.jackServer is given (call it before other threads use
    /// the environment, as at start-up), starts the midi-in thread and polls once.
    static Result<std::unique_ptr<MidiDevices>> create(Options options, Sink sink);

    /// [control] Lets every port go, then stops the midi-in thread: the sink is not called after.
    ~MidiDevices();
    MidiDevices(const MidiDevices&) = delete;
    MidiDevices& operator=(const MidiDevices&) = delete;

    /// [control] Opens the API if it is not open (logging once while it cannot be), lists the
    /// ports, opens the matching ones not yet open and lets go of those gone, no longer
    /// matching, or whose send failed, logging each at info. When the JACK server has gone
    /// away it lets every port go and does no more: it connects again at a later poll.
    void poll();

    /// [control] Whether poll() should run now rather than at its next turn: the JACK server
    /// went away, and its dead clients must be closed before anything in the process opens a
    /// JACK client again (libjack deletes them under their owners' feet otherwise: see
    /// poll()). Cheap; an owner that wakes often asks it each time.
    bool needsPoll() const noexcept;

    /// [control] New patterns (a session reload): ports no longer matched are let go at once
    /// and new matches opened. A bad pattern is an error and changes nothing.
    Result<void> setPatterns(std::vector<std::string> inputPatterns, std::vector<std::string> outputPatterns);

    /// [control] Sends message to every open output (skipped while JACK is gone: RtMidi's JACK
    /// output would wait for a process callback that never comes once its buffer is full).
    void send(const backline::midi::MidiMessage& message);
    /// [control] Sends message to the open output called portName; false when there is none
    /// or sending failed.
    bool send(std::string_view portName, const backline::midi::MidiMessage& message);

    /// [any] The API in use, open ports and counts.
    Status status() const;

private:
    MidiDevices(Options options, PortPatterns inputs, PortPatterns outputs);

    /// Lets every port and the API go (JACK went away), so a later poll starts over.
    void disconnect(const std::string& why);
    /// Lets every output go (closed, or left to libjack when JACK went away).
    void dropOutputs();
    /// Opens and lets go of ports to match the lists and the patterns.
    void reconcile(const std::vector<std::string>& inputs, const std::vector<std::string>& outputs);
    /// Whether an input (output) port of this name should be open.
    bool wantInput(const std::string& name) const;
    bool wantOutput(const std::string& name) const;
    /// Tells the midi-in thread which inboxes there are now.
    void publishInboxes();
    /// Copies what status() shows.
    void publishStatus();
    /// Counts a send that failed, logging it once while the port stays listed.
    void noteSendFailure(const DeviceOutput& output);

    Options options_;
    PortPatterns inputPatterns_;
    PortPatterns outputPatterns_;
    ApiConnection api_;      // closed after every port (its JACK watch last of all)
    InputCounters counters_; // outlives every inbox and the pump, which count into it
    std::unique_ptr<InputPump> pump_;
    std::vector<std::unique_ptr<DeviceInput>> inputs_;
    std::vector<std::unique_ptr<DeviceOutput>> outputs_;
    std::set<std::string> openFailuresLogged_; ///< "in NAME", "out NAME": opening failed, logged
    std::set<std::string> sendFailuresLogged_; ///< outputs whose failed send was logged
    std::uint32_t nextPortId_ = 1;
    std::uint64_t sendFailures_ = 0;

    mutable std::mutex statusMutex_; ///< guards published_
    Status published_;
};

} // namespace backline::control::midi
