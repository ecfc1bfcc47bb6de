// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "engine/Engine.h"
#include "engine/ParamControl.h"
#include "jack/JackBackend.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

namespace backline::app {

/// The daemon's JACK client and what keeps it going: opens it, notices its server went away,
/// closes it safely then, and opens a new one when the server is back. Counts xruns across
/// every client since the start. The client is used under the session lock (SessionHost);
/// its rate and period can be read without it.
class JackSupervisor {
public:
    JackSupervisor(jack::JackBackend::Options options, engine::Engine& engine, engine::ParamControl& params)
        : options_(std::move(options))
        , engine_(engine)
        , params_(params)
    {
    }

    /// [main] Threads the next client's graph runs on (JackBackend::Options::workers).
    void setWorkers(int workers) noexcept { options_.workers = workers; }
    /// [main, session lock] Opens a client (not yet active) on the server.
    Result<void> open();
    /// [session lock] The client; null while the server is away.
    jack::JackBackend* backend() const noexcept { return jack_.get(); }
    /// [main] Whether the client's server went away.
    bool serverGone() const noexcept { return jack_ && jack_->serverGone(); }
    /// [main, session lock] Closes the client whose server went away, waiting 3 s at most (a
    /// close that hangs is left to a thread of its own). Its audio thread has left the engine
    /// when this returns, unless audioWedged(); parameter changes are kept for the next graph
    /// meanwhile (detached).
    void drop();
    /// [main, session lock] Closes the client at a stop (the daemon is going), waiting 3 s at most.
    void close() { jack::JackBackend::closeWithin(std::move(jack_), std::chrono::seconds(3)); }

    /// [main] After the server went away: tries every 250 ms, until resume() succeeds on a new
    /// client or the daemon is to stop. waitForStop() waits up to 50 ms for a stop request and
    /// says whether one came (five calls pace the attempts); idle() runs between them. Each
    /// try holds sessionLock. Returns whether the client is back: false when a stop was asked
    /// or libraryStuck() (no client can be opened again).
    bool reconnect(std::mutex& sessionLock, const std::function<Result<void>()>& resume,
        const std::function<bool()>& waitForStop, const std::function<void()>& idle);

    /// [main] Whether a dropped client's audio thread never left the engine (stuck in a
    /// callback): the process is not well, whatever a new client does (the watchdog stops).
    bool audioWedged() const noexcept { return wedged_; }
    /// [main] Whether a client's close never ended: libjack holds its global lock inside
    /// jack_client_close, so no client can be opened by this process again (JACK2).
    bool libraryStuck() const noexcept { return stuck_; }
    /// [main] Test only (BACKLINE_TEST_STALL_AUDIO): the client's audio thread stops in its next
    /// cycle and never returns, as a deadlocked engine would.
    void stallAudioForTest();

    /// [session lock] xruns of every client since the start.
    std::uint64_t xruns() const;
    /// [any] The live sample rate (0 before the first client).
    int sampleRate() const noexcept { return rate_.load(std::memory_order_relaxed); }

private:
    jack::JackBackend::Options options_;
    engine::Engine& engine_;
    engine::ParamControl& params_;
    std::unique_ptr<jack::JackBackend> jack_;
    std::uint64_t xrunsBefore_ = 0; // of clients closed since the start
    std::atomic<int> rate_ {0};
    bool wedged_ = false;
    bool stuck_ = false;
};

} // namespace backline::app
