// SPDX-License-Identifier: GPL-3.0-or-later
// JackBackend: backlined's JACK client as the control side (the main thread) holds it — open,
// ports, connections, activation, the server's callbacks. Its audio thread is ProcessCallback
// (jack/rt/).
#pragma once

#include "core/Result.h"
#include "engine/Engine.h"
#include "engine/Graph.h"
#include "engine/WorkerPool.h"
#include "jack/JackTransport.h"
#include "jack/rt/ProcessCallback.h"
#include "port/ConnectionRule.h"

#include <jack/jack.h>
#include <jack/thread.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace backline::jack {

/// The live backend: a JACK client whose process callback (ProcessCallback) runs the Engine.
/// Ports follow the graph (one per track input channel, two master outputs), connections
/// follow the session.
class JackBackend {
public:
    struct Options {
        std::string serverName; ///< empty: $JACK_DEFAULT_SERVER or "default"
        std::string clientName = "backline";
        /// Threads that run the graph's nodes, the audio thread included (session `workers`,
        /// --workers); 0: one per core this process may use when its audio thread got real-time
        /// scheduling, 1 when it did not (helpers without it would hold up every cycle they are
        /// late for).
        int workers = 0;
    };

    /// [control] Connects to a running JACK server (never starts one). The error says which
    /// server was tried and how to start one.
    static Result<std::unique_ptr<JackBackend>> open(const Options& options, engine::Engine& engine);
    /// [control] Deactivates and closes the client (leaveEngine() first, if not done yet).
    ~JackBackend();
    /// [control] Closes backend's client on a thread of its own (leaveEngine() first, here),
    /// waiting up to timeout: jack_client_close can hang for good once its server went away or
    /// its audio thread is stuck. Then the client, and this object its callbacks point at, are
    /// left to that thread (freed if the close ever returns) and false is returned; the engine
    /// is not touched again either way.
    static bool closeWithin(std::unique_ptr<JackBackend> backend, std::chrono::milliseconds timeout);
    /// [control] Stops using the engine: the process callback is emptied (quiesce()) and the
    /// workers taken out of the engine. Whether the audio thread left the engine (quiesce()).
    bool leaveEngine();
    JackBackend(const JackBackend&) = delete;
    JackBackend& operator=(const JackBackend&) = delete;

    int sampleRate() const noexcept { return sampleRate_; }
    std::uint32_t bufferSize() const noexcept { return bufferSize_.load(std::memory_order_relaxed); }
    /// The client's name as JACK gave it (it may add a suffix when the name is taken).
    const std::string& clientName() const noexcept { return clientName_; }

    /// [control] Registers the ports graph uses (reusing those it already has) and stores their
    /// handles in the graph. Call before installing the graph.
    Result<void> preparePorts(engine::Graph& graph);

    /// [control] Starts the process callback, on a thread named "backline-audio", then the
    /// helper threads the options ask for (JACK threads named "backline-work", real-time at the
    /// audio thread's priority when it got real-time scheduling). Helpers that cannot start
    /// are logged, and the audio thread runs the mix alone.
    Result<void> activate();
    /// [control] Threads that run the graph's nodes (1 before activate()).
    int workers() const noexcept { return workers_ ? workers_->workers() : 1; }

    /// [control] Makes the connections graph asks for (master outputs default to the first two
    /// physical playback ports; an empty list connects them to nothing). Returns one warning
    /// per connection that could not be made.
    std::vector<std::string> connect(const engine::Graph& graph);

    /// [control] Carries out every auto-connect rule now; the connections made.
    std::size_t applyRules(const std::vector<port::ConnectionRule>& rules);
    /// [control] Carries out the rules for the ports that appeared on the server since the
    /// last call (another client started, a sound card plugged in; backline's own too); the
    /// connections made.
    std::size_t applyRulesToNewPorts(const std::vector<port::ConnectionRule>& rules);
    /// [control] How many connections rule asks for are there now.
    std::size_t connectionsOf(const port::ConnectionRule& rule) const;

    /// [control] Unregisters ports that graph (now the running one) no longer uses.
    void releasePortsNotIn(const engine::Graph& graph);

    /// [any] Xruns JACK reported since the client opened.
    std::uint64_t xruns() const noexcept { return xruns_.load(std::memory_order_relaxed); }
    /// [control] JACK's DSP load in percent (jack_cpu_load: the share of each period spent
    /// processing, across all clients).
    float cpuLoad() const noexcept { return jack_cpu_load(client_); }
    /// [control] Makes the process callback return at once (writing silence) from now on and
    /// waits, up to 2 s, until it has left the engine; false when it did not (an audio thread
    /// stuck in a stalled server): the engine must then not be touched as if it had stopped.
    /// The destructor does it before deactivating, since JACK2 ends the process thread by
    /// cancelling it.
    bool quiesce() noexcept;

    /// [control] JACK's transport and backline's: which leads (transport.jack), and JACK's
    /// play, stop and locate when it does.
    JackTransport& transport() noexcept { return transport_; }

    /// [control] Test only: the audio thread stops in its next cycle and never returns.
    void stallAudioForTest() noexcept { callback_.stallForTest(); }

    /// [any] True once the JACK server has gone away; the client must then be closed.
    bool serverGone() const noexcept { return serverGone_.load(std::memory_order_acquire); }

private:
    JackBackend(jack_client_t* client, engine::Engine& engine, int workers);

    // JACK's notification thread calls these.
    void startWorkers();
    static int onXrun(void* self) noexcept;
    static int onBufferSize(jack_nframes_t nframes, void* self) noexcept;
    static void onShutdown(jack_status_t code, const char* reason, void* self) noexcept;
    static void onPortRegistration(jack_port_id_t port, int registered, void* self) noexcept;

    jack_client_t* client_;
    std::string clientName_;
    int sampleRate_ = 0;
    bool active_ = false;
    std::optional<bool> left_; // leaveEngine()'s answer, once it ran
    std::atomic<std::uint32_t> bufferSize_ {0};
    std::atomic<std::uint64_t> xruns_ {0};
    std::atomic<bool> serverGone_ {false};
    std::map<std::string, jack_port_t*> ports_; // control thread only
    std::mutex newPortsMutex_; // JACK's notification thread adds, the control thread takes
    std::vector<jack_port_id_t> newPorts_;
    engine::Engine& engine_;
    int workersWanted_ = 0;
    std::unique_ptr<engine::WorkerPool> workers_; // from activate() on
    ProcessCallback callback_; // the audio thread's, once activated
    JackTransport transport_ {client_, callback_};
};

} // namespace backline::jack
