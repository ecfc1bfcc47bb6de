// SPDX-License-Identifier: GPL-3.0-or-later
// backlined's JACK client on the control side: opening it, its ports and connections, its
// activation and shutdown (see JackBackend.h; the process callback is jack/rt/ProcessCallback).
#include "jack/JackBackend.h"

#include "core/Config.h"
#include "jack/AutoConnect.h"

#include <algorithm>
#include <chrono>
#include <pthread.h>
#include <sched.h>
#include <fmt/format.h>
#include <cstdlib>
#include <future>
#include <set>
#include <string_view>
#include <thread>
#include <spdlog/spdlog.h>

namespace backline::jack {

namespace {

std::string statusText(jack_status_t status)
{
    std::string text;
    auto add = [&](jack_status_t bit, const char* what) {
        if (status & bit)
            text += (text.empty() ? "" : ", ") + std::string(what);
    };
    add(JackServerFailed, "could not connect to the server");
    add(JackServerError, "communication error with the server");
    add(JackVersionError, "client/server protocol mismatch");
    add(JackNameNotUnique, "client name taken");
    add(JackInitFailure, "could not initialise the client");
    add(JackShmFailure, "could not access shared memory");
    add(JackNoSuchClient, "no such client");
    add(JackLoadFailure, "could not load the internal client");
    return text.empty() ? "unknown failure" : text;
}

// JACK prints its own diagnostics to stderr; route them through our logger at debug level so a
// failed connection attempt yields one clear message of ours instead of a wall of theirs.
void jackError(const char* message) { spdlog::debug("jack: {}", message); }
void jackInfo(const char* message) { spdlog::debug("jack: {}", message); }

} // namespace

JackBackend::JackBackend(jack_client_t* client, engine::Engine& engine, int workers)
    : client_(client)
    , clientName_(jack_get_client_name(client))
    , sampleRate_(int(jack_get_sample_rate(client)))
    , engine_(engine)
    , workersWanted_(workers)
    , callback_(client, engine.audio(), sampleRate_)
{
    bufferSize_.store(jack_get_buffer_size(client), std::memory_order_relaxed);
}

Result<std::unique_ptr<JackBackend>> JackBackend::open(const Options& options, engine::Engine& engine)
{
    jack_set_error_function(jackError);
    jack_set_info_function(jackInfo);
    jack_status_t status {};
    auto flags = JackOptions(JackNoStartServer);
    jack_client_t* client = nullptr;
    if (!options.serverName.empty())
        client = jack_client_open(options.clientName.c_str(), JackOptions(flags | JackServerName), &status,
            options.serverName.c_str());
    else
        client = jack_client_open(options.clientName.c_str(), flags, &status);
    const std::string server = options.serverName.empty() ? "default" : options.serverName;
    if (!client)
        return makeError(ErrorCode::Jack,
            fmt::format("cannot connect to JACK server '{}' ({}). Is it running? Start one with: jackd -n {} -d "
                        "dummy (or -d alsa), or pass --jack-server NAME",
                server, statusText(status), server));
    std::unique_ptr<JackBackend> backend(new JackBackend(client, engine, options.workers));
    jack_set_process_callback(client, &ProcessCallback::onProcess, &backend->callback_);
    jack_set_xrun_callback(client, &JackBackend::onXrun, backend.get());
    jack_set_buffer_size_callback(client, &JackBackend::onBufferSize, backend.get());
    jack_on_info_shutdown(client, &JackBackend::onShutdown, backend.get());
    jack_set_port_registration_callback(client, &JackBackend::onPortRegistration, backend.get());
    spdlog::info("connected to JACK server '{}' as '{}': {} Hz, {} frames", server, backend->clientName_,
        backend->sampleRate_, backend->bufferSize());
    return backend;
}

JackBackend::~JackBackend()
{
    // JACK2 stops a client's process thread by cancelling it (asynchronous pthread_cancel)
    // once the server has taken the client out of the graph. A cycle still running then, as
    // on an overloaded machine, is cancelled inside the engine, whose noexcept frames turn
    // the cancellation's unwinding into std::terminate: backlined aborted at shutdown (seen
    // with 256 tracks on 2 cores). So first the callback is emptied and left.
    leaveEngine();
    if (active_ && !serverGone())
        jack_deactivate(client_);
    jack_client_close(client_);
}

bool JackBackend::leaveEngine()
{
    if (left_)
        return *left_;
    const bool left = quiesce();
    left_ = left;
    if (workers_) {
        engine_.useWorkers(nullptr);
        // A pool is joined only once no cycle can be inside it; an audio thread stuck in a
        // stalled server might be, so then its threads are left to the process's end.
        if (!left)
            static_cast<void>(workers_.release());
        workers_.reset();
    }
    return left;
}

bool JackBackend::closeWithin(std::unique_ptr<JackBackend> backend, std::chrono::milliseconds timeout)
{
    if (!backend)
        return true;
    backend->leaveEngine(); // on this thread: the engine is this thread's to hand on
    const std::string name = backend->clientName_;
    auto closed = std::make_shared<std::promise<void>>();
    auto done = closed->get_future();
    // The closer owns the client until jack_client_close returns, however late: JACK's threads
    // may call its callbacks, which point into the object, until then.
    // Test only: the close never ends, as libjack's does now and then after its server restarted.
    static const bool stuckForTest = std::getenv("BACKLINE_TEST_STUCK_CLOSE") != nullptr;
    std::thread closer([backend = backend.release(), closed]() mutable {
        ::pthread_setname_np(::pthread_self(), "backline-close");
        while (stuckForTest)
            std::this_thread::sleep_for(std::chrono::seconds(1));
        delete backend;
        closed->set_value();
    });
    closer.detach();
    if (done.wait_for(timeout) == std::future_status::ready)
        return true;
    spdlog::error("closing JACK client '{}' did not end within {} ms (its server went away or its audio thread is "
                  "stuck); it is left behind and backline goes on without it",
        name, timeout.count());
    return false;
}

bool JackBackend::quiesce() noexcept
{
    callback_.quiesce();
    for (int i = 0; i < 2000; ++i) {
        if (!callback_.inCallback())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return !callback_.inCallback();
}

Result<void> JackBackend::preparePorts(engine::Graph& graph)
{
    if (graph.inputNames.size() > config::maxInputChannels)
        return makeError(ErrorCode::Jack, fmt::format("{} input channels exceed the limit of {}", graph.inputNames.size(),
                                              config::maxInputChannels));
    auto portFor = [&](const std::string& name, unsigned long flags, const char* type = JACK_DEFAULT_AUDIO_TYPE)
        -> Result<jack_port_t*> {
        if (auto it = ports_.find(name); it != ports_.end()) {
            // Kept for the graph still fading out: a port of another kind under the same name
            // (an audio input then, a MIDI input now) cannot be both.
            if (std::string_view(jack_port_type(it->second)) != type)
                return makeError(ErrorCode::Jack,
                    fmt::format("the JACK port '{}:{}' is the running session's {} port and cannot change kind; "
                                "rename the track",
                        clientName_, name, jack_port_type(it->second)));
            return it->second;
        }
        jack_port_t* port = jack_port_register(client_, name.c_str(), type, flags, 0);
        if (!port)
            return makeError(ErrorCode::Jack, fmt::format("JACK refused to register port '{}:{}'", clientName_, name));
        ports_.emplace(name, port);
        return port;
    };
    graph.inputHandles.clear();
    for (const auto& name : graph.inputNames) {
        auto port = portFor(name, JackPortIsInput);
        if (!port)
            return port.error();
        graph.inputHandles.push_back(*port);
    }
    graph.midiInputHandles.clear();
    for (const auto& midi : graph.midiInputs) {
        auto port = portFor(midi.name, JackPortIsInput, JACK_DEFAULT_MIDI_TYPE);
        if (!port)
            return port.error();
        graph.midiInputHandles.push_back(*port);
    }
    const auto& own = graph.sessionMidi;
    auto in = portFor(own.inName, JackPortIsInput, JACK_DEFAULT_MIDI_TYPE);
    auto out = portFor(own.outName, JackPortIsOutput, JACK_DEFAULT_MIDI_TYPE);
    auto clock = portFor(own.clockName, JackPortIsOutput, JACK_DEFAULT_MIDI_TYPE);
    for (const auto* port : {&in, &out, &clock})
        if (!*port)
            return port->error();
    graph.midiInHandle = *in;
    graph.midiOutHandle = *out;
    graph.clockOutHandle = *clock;
    callback_.setMidiOutputPort(0, *out);
    callback_.setMidiOutputPort(1, *clock);
    for (std::size_t c = 0; c < 2; ++c) {
        auto port = portFor(graph.outputNames[c], JackPortIsOutput);
        if (!port)
            return port.error();
        graph.outputHandles[c] = *port;
        callback_.setOutputPort(c, *port);
    }
    return {};
}

Result<void> JackBackend::activate()
{
    if (jack_activate(client_) != 0)
        return makeError(ErrorCode::Jack, "JACK refused to activate the client");
    active_ = true;
    // A receiver of the beat clock heard Stop when a previous client went (or nothing yet):
    // it is told where the transport is.
    engine_.audio().reannounceClock();
    // The process thread exists from here on. Named from outside: on the thread itself it would
    // be a system call in a cycle. Lets ps, top and the tests tell it from JACK's other threads.
    pthread_setname_np(jack_client_thread_id(client_), "backline-audio");
    startWorkers();
    return {};
}

void JackBackend::startWorkers()
{
    if (workers_)
        return;
    // Whether the helpers can be real-time is what the audio thread got, not what the server
    // asks for: jackd runs with -R by default, and a client without the rights to real-time
    // scheduling runs its audio thread without it, where a helper asked for real-time would
    // not start at all.
    int policy = SCHED_OTHER;
    sched_param param {};
    pthread_getschedparam(jack_client_thread_id(client_), &policy, &param);
    const bool realtime = policy == SCHED_FIFO || policy == SCHED_RR;
    const int workers = workersWanted_ > 0 ? workersWanted_ : realtime ? engine::WorkerPool::defaultWorkers() : 1;
    if (workers <= 1)
        return;
    const int priority = realtime ? param.sched_priority : 0;
    auto pool = engine::WorkerPool::create(workers, [this, priority, realtime](void* (*entry)(void*), void* arg) -> Result<pthread_t> {
        jack_native_thread_t thread {};
        if (jack_client_create_thread(client_, &thread, priority, realtime ? 1 : 0, entry, arg) != 0)
            return makeError(ErrorCode::Jack, "JACK could not start a worker thread");
        return thread;
    });
    if (!pool) {
        // The show goes on: the audio thread runs the whole graph, as with one worker.
        spdlog::warn("{}; the audio thread runs the mix alone", pool.error().message);
        return;
    }
    workers_ = std::move(pool.value());
    // While cycles run: the audio thread takes it up at its next block.
    engine_.useWorkers(&workers_->scheduler());
    spdlog::info("{} workers run the graph ({} helper thread(s){})", workers, workers - 1,
        realtime ? fmt::format(", real-time at priority {}", priority) : ", not real-time");
}

std::vector<std::string> JackBackend::connect(const engine::Graph& graph)
{
    std::vector<std::string> warnings;
    auto link = [&](const std::string& from, const std::string& to) {
        if (from.empty() || to.empty())
            return;
        const int rc = jack_connect(client_, from.c_str(), to.c_str());
        if (rc != 0 && rc != EEXIST)
            warnings.push_back(fmt::format("cannot connect {} to {} (does the port exist? see jack_lsp)", from, to));
    };
    for (std::size_t i = 0; i < graph.inputNames.size(); ++i)
        link(graph.inputConnections[i], clientName_ + ":" + graph.inputNames[i]);
    // One of our MIDI ports and every JACK MIDI port its patterns match (a keyboard through
    // a2jmidid, a sequencer, another client's port), none of them found only a warning. A
    // whole port name as jack_lsp prints it (a2j's hold brackets and parentheses) is that
    // port; anything else is JACK's regular expression.
    // Ours: this client's ports and those of RtMidi's clients, named "backline-01" and so on.
    auto ownPort = [&](std::string_view port) {
        if (!port.starts_with(clientName_))
            return false;
        std::string_view rest = port.substr(clientName_.size());
        if (rest.starts_with("-")) {
            rest.remove_prefix(1);
            const auto digits = rest.find_first_not_of("0123456789");
            if (digits == 0 || digits == std::string_view::npos)
                return false;
            rest.remove_prefix(digits);
        }
        return rest.starts_with(":");
    };
    auto linkMidi = [&](const std::vector<std::string>& patterns, const std::string& ours, bool oursIsInput) {
        const std::string own = clientName_ + ":" + ours;
        for (const auto& pattern : patterns) {
            if (jack_port_by_name(client_, pattern.c_str())) {
                oursIsInput ? link(pattern, own) : link(own, pattern);
                continue;
            }
            const char** found = jack_get_ports(client_, pattern.c_str(), JACK_DEFAULT_MIDI_TYPE,
                oursIsInput ? JackPortIsOutput : JackPortIsInput);
            if (!found || !found[0])
                warnings.push_back(fmt::format("no JACK MIDI {} matches '{}' for {} (see jack_lsp -t)",
                    oursIsInput ? "output" : "input", pattern, own));
            for (std::size_t i = 0; found && found[i]; ++i)
                if (!ownPort(found[i])) // never our own, nor our RtMidi clients' (a loop)
                    oursIsInput ? link(found[i], own) : link(own, found[i]);
            if (found)
                jack_free(found);
        }
    };
    for (const auto& midi : graph.midiInputs)
        linkMidi(midi.connections, midi.name, true);
    linkMidi(graph.sessionMidi.inConnections, graph.sessionMidi.inName, true);
    linkMidi(graph.sessionMidi.outConnections, graph.sessionMidi.outName, false);
    linkMidi(graph.sessionMidi.clockConnections, graph.sessionMidi.clockName, false);

    // A session that names no outputs plays through the sound card; one that lists none
    // (`outputs: []`) is connected by hand or by a patchbay, and gets nothing here.
    std::vector<std::string> outputs = graph.outputConnections.value_or(std::vector<std::string> {});
    if (!graph.outputConnections) {
        if (const char** physical = jack_get_ports(client_, nullptr, JACK_DEFAULT_AUDIO_TYPE,
                JackPortIsPhysical | JackPortIsInput)) {
            for (std::size_t i = 0; physical[i] && i < 2; ++i)
                outputs.emplace_back(physical[i]);
            jack_free(physical);
        }
        // A mono system gets both master channels on its one output.
        if (outputs.size() == 1)
            outputs.push_back(outputs[0]);
    }
    for (std::size_t c = 0; c < outputs.size() && c < 2; ++c)
        link(clientName_ + ":" + graph.outputNames[c], outputs[c]);
    return warnings;
}

std::size_t JackBackend::applyRules(const std::vector<port::ConnectionRule>& rules)
{
    std::size_t made = 0;
    for (const auto& rule : rules)
        made += applyRule(client_, rule);
    return made;
}

std::size_t JackBackend::applyRulesToNewPorts(const std::vector<port::ConnectionRule>& rules)
{
    std::vector<jack_port_id_t> ids;
    {
        std::lock_guard lock(newPortsMutex_);
        ids.swap(newPorts_);
    }
    std::size_t made = 0;
    for (jack_port_id_t id : ids)
        if (jack_port_t* port = rules.empty() ? nullptr : jack_port_by_id(client_, id))
            made += applyRulesTo(client_, rules, jack_port_name(port));
    return made;
}

std::size_t JackBackend::connectionsOf(const port::ConnectionRule& rule) const
{
    return jack::connectionsOf(client_, rule);
}

void JackBackend::onPortRegistration(jack_port_id_t port, int registered, void* self) noexcept
{
    // JACK's notification thread: no JACK call may be made here (it would wait on this very
    // thread); the control thread connects the port when it next looks.
    if (!registered)
        return;
    auto& backend = *static_cast<JackBackend*>(self);
    std::lock_guard lock(backend.newPortsMutex_);
    if (backend.newPorts_.size() < 4096) // a client registering ports in a loop: rules still apply at each load and rejoin
        backend.newPorts_.push_back(port);
}

void JackBackend::releasePortsNotIn(const engine::Graph& graph)
{
    std::set<std::string> used(graph.inputNames.begin(), graph.inputNames.end());
    used.insert(graph.outputNames.begin(), graph.outputNames.end());
    for (const auto& midi : graph.midiInputs)
        used.insert(midi.name);
    used.insert({graph.sessionMidi.inName, graph.sessionMidi.outName, graph.sessionMidi.clockName});
    for (auto it = ports_.begin(); it != ports_.end();) {
        if (used.count(it->first)) {
            ++it;
            continue;
        }
        jack_port_unregister(client_, it->second);
        it = ports_.erase(it);
    }
}

int JackBackend::onXrun(void* self) noexcept
{
    static_cast<JackBackend*>(self)->xruns_.fetch_add(1, std::memory_order_relaxed); // a statistic
    return 0;
}

int JackBackend::onBufferSize(jack_nframes_t nframes, void* self) noexcept
{
    // Graphs are built for config::maxBlockFrames, so any period JACK can pick up to that fits.
    static_cast<JackBackend*>(self)->bufferSize_.store(nframes, std::memory_order_relaxed);
    return 0;
}

void JackBackend::onShutdown(jack_status_t, const char*, void* self) noexcept
{
    static_cast<JackBackend*>(self)->serverGone_.store(true, std::memory_order_release); // pairs with serverGone()
}

} // namespace backline::jack
