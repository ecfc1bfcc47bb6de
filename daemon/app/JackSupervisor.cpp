// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/JackSupervisor.h"

#include <spdlog/spdlog.h>

#include <string>

namespace backline::app {

Result<void> JackSupervisor::open()
{
    auto backend = jack::JackBackend::open(options_, engine_);
    if (!backend)
        return backend.error();
    jack_ = std::move(backend.value());
    rate_ = jack_->sampleRate();
    return {};
}

void JackSupervisor::drop()
{
    params_.detach();
    xrunsBefore_ += jack_->xruns();
    const bool left = jack_->leaveEngine();
    // jack_client_close can hang after its server went away: waited for 3 s at most.
    if (!jack::JackBackend::closeWithin(std::move(jack_), std::chrono::seconds(3)))
        stuck_ = true;
    // The queue's consumer changes hands only if the audio thread was seen to leave the engine
    // (a thread JACK cancelled inside it could have been mid-pop).
    wedged_ = wedged_ || !left;
    if (left)
        engine_.drainStopped();
    else
        spdlog::error("the audio thread did not leave the engine within 2 s of JACK going away; its queue is left as it is");
}

bool JackSupervisor::reconnect(std::mutex& sessionLock, const std::function<Result<void>()>& resume,
    const std::function<bool()>& waitForStop, const std::function<void()>& idle)
{
    // The lock is only held for each attempt: meanwhile a reload or a take is refused at once
    // ("not connected to JACK") instead of waiting for the server with a surface's thread.
    std::string lastFailure;
    while (!stuck_) {
        // A quarter of a second between attempts: the session is back well within 2 s of the
        // server, and a failed attempt costs one connect to a socket that is not there. Changes
        // made by surfaces meanwhile are kept by the control side (detached, see drop) and built
        // into the graph the reconnect installs.
        for (int i = 0; i < 5; ++i) {
            if (waitForStop()) // waits up to 50 ms: five of them pace the attempts
                return false;
            idle();
        }
        std::lock_guard lock(sessionLock);
        if (!open())
            continue;
        if (auto r = resume(); !r) {
            // The server may have gone again already, or the session cannot be rebuilt (yet):
            // keep trying, saying why once.
            if (r.error().message != lastFailure)
                spdlog::error("could not resume on JACK: {}; trying again every 250 ms", r.error().message);
            lastFailure = r.error().message;
            drop();
            continue;
        }
        return true;
    }
    return false;
}

void JackSupervisor::stallAudioForTest()
{
    if (jack_)
        jack_->stallAudioForTest();
}

std::uint64_t JackSupervisor::xruns() const
{
    return xrunsBefore_ + (jack_ ? jack_->xruns() : 0);
}

} // namespace backline::app
