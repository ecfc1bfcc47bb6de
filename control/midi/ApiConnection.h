// SPDX-License-Identifier: GPL-3.0-or-later
// ApiConnection: the MIDI API MidiDevices is connected through (ALSA or JACK), opened when it
// can be, why not when it cannot, and the JACK server's loss. Used by one thread ([control]).
#pragma once

#include "control/midi/MidiApi.h"

#include <chrono>
#include <memory>
#include <string>

namespace backline::control::midi {

class JackWatch;
class PortLister;

/// What holds the API open: under JACK a JackWatch (is the server there, did it go), then the
/// PortLister, whose RtMidi objects list the ports. Closed, it knows why.
class ApiConnection {
public:
    /// [control] Closed; open() connects through wanted (Auto: see concreteApi) as
    /// clientName, on jackServer under JACK (empty: libjack's default).
    ApiConnection(MidiApi wanted, std::string clientName, std::string jackServer);
    ~ApiConnection();
    ApiConnection(const ApiConnection&) = delete;
    ApiConnection& operator=(const ApiConnection&) = delete;

    /// [control] Connects when not connected; whether it is now. A failure is logged once
    /// (a warning) until a connection succeeds: a machine without MIDI is a normal one, and
    /// the owner asks again at every poll. After a lost JACK server it does not try for a
    /// while (see close()).
    bool open();
    /// Why close() is called.
    enum class Close {
        Asked,      ///< by the owner
        ServerLost, ///< the JACK server went away: open() waits config::midiJackRetrySeconds
    };
    /// [control] Disconnects, with why for status (already said in the log by the caller).
    void close(std::string why, Close cause = Close::Asked);

    /// [control] Whether the JACK server went away while connected (close() is then due).
    bool lost() const noexcept;
    /// Whether it is connected.
    bool isOpen() const noexcept { return lister_ != nullptr; }
    /// The API connected through (Alsa or Jack); Auto while not connected.
    MidiApi api() const noexcept { return active_; }
    /// Why it is not connected ("" while it is).
    const std::string& reason() const noexcept { return reason_; }
    /// The JACK server's name for people ("" unless connected through JACK).
    std::string jackServer() const;
    /// The listers (only while isOpen()).
    PortLister& lister() noexcept { return *lister_; }

private:
    /// Records why it cannot connect, warning the first time since it was last connected.
    void fail(std::string reason);

    const MidiApi wanted_;
    const std::string clientName_;
    const std::string jackServer_;
    MidiApi active_ = MidiApi::Auto;
    std::string reason_ = "not connected yet";
    bool failureLogged_ = false;
    std::chrono::steady_clock::time_point retryAt_ {}; ///< no open() before (after a lost server)
    std::unique_ptr<JackWatch> watch_;
    std::unique_ptr<PortLister> lister_;
};

} // namespace backline::control::midi
