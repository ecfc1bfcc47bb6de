// SPDX-License-Identifier: GPL-3.0-or-later
// JackWatch: a plain libjack client, with no ports, that tells MidiDevices whether the JACK
// server its RtMidi objects use is there, and when it goes away.
#pragma once

#include "core/Result.h"

#include <jack/jack.h>

#include <atomic>
#include <memory>
#include <string>

namespace backline::control::midi {

/// RtMidi 5's JACK API has no word for a server that is missing or goes away: its constructor
/// prints "JACK server not running?" to stderr (before any error callback can be set) and
/// carries on without a client, and a client whose server died stays dead, listing stale
/// ports or none, forever. So before any RtMidi object is made, this client asks the server
/// (libjack's own diagnostics go wherever the daemon sent them: jack_set_error_function), and
/// while they live it hears the server's shutdown, so MidiDevices can let everything go and
/// start over when the server is back. It never activates: no process callback, no place in
/// the graph.
class JackWatch {
public:
    /// [control] Opens the watch on the server serverOption names (empty: libjack's default,
    /// $JACK_DEFAULT_SERVER or "default"); an error naming the server when none answers.
    static Result<std::unique_ptr<JackWatch>> open(const std::string& clientName, const std::string& serverOption);
    /// [control] Closes the client (a dead server's too).
    ~JackWatch();
    JackWatch(const JackWatch&) = delete;
    JackWatch& operator=(const JackWatch&) = delete;

    /// [any] Whether the server has shut down (or thrown this client out) since open().
    bool gone() const noexcept { return gone_.load(std::memory_order_acquire); } // pairs with onShutdown's release

    /// The server's name for people.
    const std::string& serverLabel() const noexcept { return serverLabel_; }

private:
    JackWatch(jack_client_t* client, std::string serverLabel);
    /// [JACK's notification thread] The server went away.
    static void onShutdown(jack_status_t code, const char* reason, void* self) noexcept;

    jack_client_t* client_;
    std::string serverLabel_;
    std::atomic<bool> gone_ {false};
};

} // namespace backline::control::midi
