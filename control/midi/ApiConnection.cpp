// SPDX-License-Identifier: GPL-3.0-or-later
// ApiConnection: connecting through ALSA or JACK, once per outage in the log ([control]).
#include "control/midi/ApiConnection.h"

#include "control/midi/JackWatch.h"
#include "control/midi/PortLister.h"
#include "core/Config.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace backline::control::midi {

ApiConnection::ApiConnection(MidiApi wanted, std::string clientName, std::string jackServer)
    : wanted_(wanted)
    , clientName_(std::move(clientName))
    , jackServer_(std::move(jackServer))
{
}

ApiConnection::~ApiConnection()
{
    lister_.reset(); // its RtMidi JACK clients before the watch's
    watch_.reset();
}

bool ApiConnection::open()
{
    if (lister_)
        return true;
    if (std::chrono::steady_clock::now() < retryAt_)
        return false;
    const bool sequencer = alsaSequencerPresent();
    const MidiApi api = concreteApi(wanted_, sequencer);
    if (api == MidiApi::Alsa && !sequencer) {
        fail("there is no ALSA sequencer (/dev/snd/seq is missing or not readable and writable: load the "
             "snd-seq module, or join the 'audio' group)");
        return false;
    }
    if (api == MidiApi::Jack) {
        auto watch = JackWatch::open(clientName_, jackServer_);
        if (!watch) {
            fail(wanted_ == MidiApi::Auto ? "there is no ALSA sequencer (/dev/snd/seq) and " + watch.error().message
                                          : watch.error().message);
            return false;
        }
        watch_ = std::move(*watch);
    }
    auto lister = PortLister::open(api, clientName_);
    if (!lister) {
        watch_.reset();
        fail(lister.error().message);
        return false;
    }
    lister_ = std::move(*lister);
    active_ = api;
    reason_.clear();
    failureLogged_ = false;
    if (watch_)
        spdlog::info("MIDI devices through JACK (server '{}')", watch_->serverLabel());
    else
        spdlog::info("MIDI devices through the ALSA sequencer");
    return true;
}

void ApiConnection::close(std::string why, Close cause)
{
    lister_.reset();
    watch_.reset();
    active_ = MidiApi::Auto;
    reason_ = std::move(why);
    failureLogged_ = true; // the caller said why; failing to connect again is the same news
    if (cause == Close::ServerLost) {
        // libjack (JACK2) deletes every client of the process still open at its first
        // jack_client_open after the server died, and their owners crash closing them. Every
        // owner of one (the daemon's JACK backend: within 50 ms) closes it first; this waits
        // well past that before opening the watch again.
        retryAt_ = std::chrono::steady_clock::now()
            + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(config::midiJackRetrySeconds));
    }
}

bool ApiConnection::lost() const noexcept
{
    return watch_ && watch_->gone();
}

std::string ApiConnection::jackServer() const
{
    return watch_ ? watch_->serverLabel() : std::string();
}

void ApiConnection::fail(std::string reason)
{
    if (!failureLogged_)
        spdlog::warn("no MIDI devices: {}; trying again at every poll", reason);
    failureLogged_ = true;
    reason_ = std::move(reason);
    active_ = MidiApi::Auto;
}

} // namespace backline::control::midi
