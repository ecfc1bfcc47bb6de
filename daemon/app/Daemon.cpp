// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/Daemon.h"

#include "app/Signals.h"
#include "control/osc/OscSockets.h"
#include "core/Config.h"
#include "engine/OfflineRenderer.h"
#include "session/SessionLoader.h"
#include "session/YamlTrial.h"

#include <fmt/format.h>
#include <climits>
#include <cstdio>
#include <malloc.h>
#include <unistd.h>
#include <cstdint>
#include <spdlog/spdlog.h>
#include <thread>
#include <unordered_map>

namespace backline::app {

namespace {

faust::JitCompiler::Options jitOptions(const DaemonOptions& options)
{
    faust::JitCompiler::Options jit;
    if (!options.noCache)
        jit.cacheDir = options.cacheDir.empty() ? faust::JitCompiler::defaultCacheDir() : options.cacheDir;
    return jit;
}

ExitCode exitCodeFor(const Error& error)
{
    switch (error.code) {
    case ErrorCode::Session:
    case ErrorCode::Faust:
    case ErrorCode::Param:
        return ExitCode::BadSession;
    case ErrorCode::Jack:
        return ExitCode::JackUnavailable;
    case ErrorCode::Osc:
        return ExitCode::OscUnavailable;
    case ErrorCode::Io:
        // A session that names a missing file is a bad session; other I/O is a failure.
        return ExitCode::BadSession;
    case ErrorCode::Engine:
        return ExitCode::Failure;
    }
    return ExitCode::Failure;
}

/// The process's resident memory in KB (VmRSS), or 0.
long residentKb()
{
    long pages = 0;
    long resident = 0;
    if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(statm);
    }
    return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

/// Whether OSC can listen on port over UDP and TCP: binds both and lets them go again, in the
/// OSC server's words when it cannot. The server binds them for good once the session runs;
/// asking first keeps a daemon that could not be steered away from JACK altogether.
Result<void> oscPortAvailable(int port)
{
    if (port == 0) // any free port: nothing to be taken
        return {};
    if (auto udp = control::Socket::udp(port); !udp)
        return makeError(ErrorCode::Osc,
            fmt::format("cannot listen for OSC on UDP port {}: {}. Is another backlined (or another program) using "
                        "it? Choose another with --osc-port",
                port, udp.error().message));
    if (auto tcp = control::Socket::tcpListener(port); !tcp)
        return makeError(ErrorCode::Osc,
            fmt::format("cannot listen for OSC on TCP port {}: {}. Is another program using it? Choose another with "
                        "--osc-port",
                port, tcp.error().message));
    return {};
}

/// The OSC limits a session sets (its defaults where it says nothing).
control::OscLimits oscLimitsFor(const session::OscSpec& osc)
{
    control::OscLimits limits;
    limits.clientRate = osc.clientRate.value_or(config::oscDefaultClientRate);
    limits.replyRate = osc.replyRate.value_or(config::oscDefaultReplyRate);
    if (osc.tcpIdleTimeout)
        limits.tcpIdleTimeout = std::chrono::milliseconds(std::int64_t(*osc.tcpIdleTimeout * 1000.0));
    return limits;
}

} // namespace

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options))
    , paramControl_(engine_)
    , jit_(jitOptions(options_))
{
    resolver_ = [this](const session::DspSpec& dsp) -> Result<std::shared_ptr<faust::DspFactory>> {
        if (dsp.kind == session::DspSpec::Kind::Builtin)
            return faust::builtinFactory(dsp.builtin);
        auto factory = jit_.compile(dsp.file);
        if (factory)
            spdlog::info("{} {}", jit_.lastWasCached() ? "loaded cached" : "compiled", dsp.file.string());
        return factory;
    };
}

Daemon::~Daemon()
{
    // Stop order: surfaces first so nothing new arrives, then audio, then meters (whose ring
    // the audio thread writes), then the engine's graphs.
    osc_.reset();
    jack_.reset();
    // The audio thread is gone: the rings it wrote can go with their owners. A take still
    // open is closed cleanly by the recorder's destructor.
    recording_.reset();
    meters_.reset();
    engine_.collectGarbage();
}

Result<std::unique_ptr<engine::TapSet>> Daemon::makeTaps(const engine::Graph& graph)
{
    auto taps = std::make_unique<engine::TapSet>();
    taps->generation = graph.generation;
    if (meters_)
        taps->taps.push_back({{engine::TapPoint::Kind::Master, 0}, &meters_->masterRing()});
    if (recording_) {
        auto recordTaps = recording_->tapsFor(graph);
        if (!recordTaps)
            return recordTaps.error();
        taps->taps.insert(taps->taps.end(), recordTaps->begin(), recordTaps->end());
    }
    return taps;
}

void Daemon::install(std::unique_ptr<engine::Graph> graph, std::unique_ptr<engine::TapSet> taps, engine::Swap swap,
    const engine::CarriedValues& carried)
{
    const engine::Graph* installed = graph.get();
    if (meters_)
        meters_->adopt(*installed);
    if (recording_ && recording_->awaitingOrigin())
        pendingTaps_ = taps.get();
    paramControl_.install(std::move(graph), std::move(taps), swap, carried);
    live_ = installed;
    paramControl_.notifyReset();
}

void Daemon::serviceRecording()
{
    if (!recording_)
        return;
    std::lock_guard lock(graphMutex_);
    if (pendingTaps_) {
        const auto [active, since] = engine_.activeTaps();
        if (active == pendingTaps_) {
            recording_->tapsLive(since);
            pendingTaps_ = nullptr;
        }
    }
    if (jack_) {
        const std::uint64_t xruns = xrunsBefore_ + jack_->xruns();
        if (xruns > xrunsSeen_)
            recording_->noteXruns(xruns - xrunsSeen_);
        xrunsSeen_ = xruns;
    }
}

Result<std::unique_ptr<engine::Graph>> Daemon::loadAndBuild(int sampleRate, std::uint32_t maxFrames,
    session::SessionSpec& spec, const engine::CarriedValues& carried)
{
    auto loaded = session::loadSessionFile(options_.session);
    if (!loaded)
        return loaded.error();
    spec = std::move(loaded.value());
    return engine::buildGraph(spec, sampleRate, maxFrames, resolver_, carried);
}

ExitCode Daemon::run()
{
    if (!session::yamlTrialHelper())
        spdlog::warn("backline-yaml-trial was not found (next to backlined, or in ../libexec/backline/): session "
                     "files are parsed without the guard against yaml-cpp running away. Reinstall backline");
    return options_.render ? runOffline() : runLive();
}

ExitCode Daemon::runOffline()
{
    session::SessionSpec spec;
    auto probe = session::loadSessionFile(options_.session);
    if (!probe) {
        spdlog::error("{}", probe.error().message);
        return exitCodeFor(probe.error());
    }
    auto graph = loadAndBuild(probe->sampleRate, config::offlineBlockFrames, spec);
    if (!graph) {
        spdlog::error("{}", graph.error().message);
        return exitCodeFor(graph.error());
    }
    auto renderer = engine::OfflineRenderer::create(engine_, **graph);
    if (!renderer) {
        spdlog::error("{}", renderer.error().message);
        return exitCodeFor(renderer.error());
    }
    {
        std::lock_guard lock(graphMutex_);
        spec_ = spec;
        auto taps = makeTaps(**graph);
        install(std::move(graph.value()), taps ? std::move(taps.value()) : nullptr);
    }
    const auto started = std::chrono::steady_clock::now();
    if (auto r = (*renderer)->renderToFile(*options_.render, options_.duration); !r) {
        spdlog::error("{}", r.error().message);
        return ExitCode::Failure;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("rendered {:.3f} s of '{}' at {} Hz to {} in {:.3f} s ({:.0f}x real time)", options_.duration, spec.name,
        spec.sampleRate, options_.render->string(), elapsed, elapsed > 0 ? options_.duration / elapsed : 0.0);
    return ExitCode::Ok;
}

Result<void> Daemon::goLive(std::unique_ptr<engine::Graph> graph, const engine::CarriedValues& carried)
{
    auto taps = makeTaps(*graph);
    if (!taps)
        return taps.error();
    if (auto r = jack_->preparePorts(*graph); !r)
        return r;
    for (const auto& warning : jack_->connect(*graph))
        spdlog::warn("{}", warning);
    const engine::Graph* installed = graph.get();
    const bool firstGraph = live_ == nullptr;
    const auto blocksBefore = engine_.blocks();
    install(std::move(graph), std::move(taps.value()), engine::Swap::Crossfade, carried);
    if (!firstGraph) {
        // Old ports may only go once the audio thread runs the new graph alone: wait for a
        // block boundary and the end of the crossfade (bounded, in case JACK is stalled; the
        // ports then stay until the next reload).
        auto settled = [&] { return engine_.blocks() >= blocksBefore + 2 && !engine_.crossfading(); };
        for (int i = 0; i < 400 && !settled(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (settled())
            jack_->releasePortsNotIn(*installed);
    }
    return {};
}

ExitCode Daemon::runLive()
{
    auto probe = session::loadSessionFile(options_.session);
    if (!probe) {
        spdlog::error("{}", probe.error().message);
        return exitCodeFor(probe.error());
    }
    // The OSC port before JACK: a second backlined started by mistake must not open a client,
    // connect to the playback ports and play into the PA until it finds its port taken.
    if (auto r = oscPortAvailable(options_.oscPort.value_or(probe->osc.port)); !r) {
        spdlog::error("{}", r.error().message);
        return exitCodeFor(r.error());
    }
    auto backend = jack::JackBackend::open({options_.jackServer, options_.clientName}, engine_);
    if (!backend) {
        spdlog::error("{}", backend.error().message);
        return exitCodeFor(backend.error());
    }
    jack_ = std::move(backend.value());
    liveRate_ = jack_->sampleRate();
    liveBlock_ = jack_->bufferSize();
    meters_ = std::make_unique<meter::MeterBank>(engine_, jack_->sampleRate());
    meters_->start();
    {
        std::lock_guard lock(graphMutex_);
        session::SessionSpec spec;
        auto graph = loadAndBuild(jack_->sampleRate(), config::maxBlockFrames, spec);
        if (!graph) {
            spdlog::error("{}", graph.error().message);
            return exitCodeFor(graph.error());
        }
        spec_ = spec;
        auto recording = Recording::create(spec_, jack_->sampleRate());
        if (!recording && recording.error().code == ErrorCode::Session) {
            spdlog::error("{}", recording.error().message);
            return exitCodeFor(recording.error());
        }
        if (!recording)
            spdlog::error("recording is unavailable: {}", recording.error().message);
        else
            recording_ = std::move(recording.value());
        if (recording_)
            recording_->onEvent([this](const record::RecordEvent& e) { onRecordEvent(e); });
        auto taps = makeTaps(**graph);
        if (!taps) {
            spdlog::error("{}", taps.error().message);
            return ExitCode::BadSession;
        }
        if (auto r = jack_->preparePorts(**graph); !r) {
            spdlog::error("{}", r.error().message);
            return exitCodeFor(r.error());
        }
        const engine::Graph* installed = graph->get();
        install(std::move(graph.value()), std::move(taps.value()));
        if (auto r = jack_->activate(); !r) {
            spdlog::error("{}", r.error().message);
            return exitCodeFor(r.error());
        }
        for (const auto& warning : jack_->connect(*installed))
            spdlog::warn("{}", warning);
    }
    control::OscServerOptions oscOptions;
    oscOptions.port = options_.oscPort.value_or(spec_.osc.port);
    const control::OscLimits limits = oscLimitsFor(spec_.osc);
    oscOptions.clientRate = oscOptions.clientBurst = limits.clientRate;
    oscOptions.replyRate = limits.replyRate;
    oscOptions.tcpIdleTimeout = limits.tcpIdleTimeout;
    std::string accessWarning;
    oscOptions.access = control::AccessList::forSession(spec_.osc.allow, &accessWarning);
    if (!accessWarning.empty())
        spdlog::error("{}", accessWarning);
    auto osc = control::OscServer::start(std::move(oscOptions), *this);
    if (!osc) {
        spdlog::error("{}", osc.error().message);
        return exitCodeFor(osc.error());
    }
    osc_ = std::move(osc.value());
    spdlog::info("ready: session '{}' with {} track(s) on JACK client '{}'; OSC on UDP port {} (try: oscsend localhost {} "
                 "/ping)",
        spec_.name, spec_.tracks.size(), jack_->clientName(), osc_->port(), osc_->port());
    wantMemoryReleased();
    serveUntilSignal();
    spdlog::info("stopping");
    fadeOutForStop();
    return ExitCode::Ok;
}

void Daemon::fadeOutForStop()
{
    std::lock_guard lock(graphMutex_);
    if (!jack_ || jack_->serverGone() || !live_)
        return;
    engine_.fadeOut();
    // 30 ms of audio, however long a busy machine takes to run them: the wait is for the audio
    // thread's progress, not for wall time (a fixed wall-clock bound cut the fade short under
    // load). An audio thread that has stopped running (no block for 500 ms) is not waited for,
    // nor one that crawls for more than 3 s.
    using Clock = std::chrono::steady_clock;
    const auto giveUp = Clock::now() + std::chrono::seconds(3);
    auto lastProgress = Clock::now();
    std::uint64_t blocks = engine_.blocks();
    while (!engine_.fadedOut() && Clock::now() < giveUp && Clock::now() - lastProgress < std::chrono::milliseconds(500)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (const auto now = engine_.blocks(); now != blocks) {
            blocks = now;
            lastProgress = Clock::now();
        }
    }
    if (!engine_.fadedOut())
        spdlog::warn("the audio thread did not finish the stop's fade-out: the outputs are cut");
}

void Daemon::serveUntilSignal()
{
    std::atomic<bool> stopping {false};
    while (!stopping) {
        switch (waitForSignal(std::chrono::milliseconds(50))) {
        case SignalRequest::Stop:
            stopping = true;
            break;
        case SignalRequest::Reload:
            if (auto r = reloadSession(); !r)
                spdlog::error("reload failed, still running the previous session: {}", r.error().message);
            break;
        case SignalRequest::None:
            break;
        }
        engine_.collectGarbage();
        releaseFreedMemory();
        serviceRecording();
        reportDspFaults();
        if (!stopping && jack_ && jack_->serverGone())
            stopping = !reconnectJack(stopping);
    }
}

bool Daemon::reconnectJack(const std::atomic<bool>& stopping)
{
    spdlog::error("the JACK server went away; audio stopped. Reconnecting every second (Ctrl-C to quit)");
    {
        std::lock_guard lock(graphMutex_);
        dropJack();
        if (recording_)
            recording_->jackLost();
    }
    // graphMutex_ is only held for each attempt: meanwhile a reload or a take is refused at
    // once ("not connected to JACK") instead of waiting for the server with the OSC job thread.
    std::string lastFailure;
    while (!stopping) {
        // A second between attempts. Changes made over OSC meanwhile are kept by the control
        // side (detached, see dropJack) and built into the graph the reconnect installs.
        for (int i = 0; i < 20; ++i) {
            switch (waitForSignal(std::chrono::milliseconds(50))) {
            case SignalRequest::Stop:
                return false;
            case SignalRequest::Reload:
                spdlog::info("not reloading now: the session file is read again when JACK is back");
                break;
            case SignalRequest::None:
                break;
            }
            engine_.collectGarbage();
        }
        std::lock_guard lock(graphMutex_);
        auto backend = jack::JackBackend::open({options_.jackServer, options_.clientName}, engine_);
        if (!backend)
            continue;
        jack_ = std::move(backend.value());
        if (auto r = resumeOnJack(); !r) {
            // The server may have gone again already, or the session cannot be rebuilt (yet):
            // keep trying, saying why once.
            if (r.error().message != lastFailure)
                spdlog::error("could not resume on JACK: {}; trying again every second", r.error().message);
            lastFailure = r.error().message;
            dropJack();
            continue;
        }
        if (recording_)
            recording_->jackBack();
        spdlog::info("reconnected to JACK; audio running again");
        wantMemoryReleased();
        return true;
    }
    return false;
}

void Daemon::dropJack()
{
    paramControl_.detach();
    xrunsBefore_ += jack_->xruns();
    const bool left = jack_->quiesce();
    jack_.reset(); // closes the client: its audio thread has ended when this returns
    // The queue's consumer changes hands only if the audio thread was seen to leave the engine
    // (a thread JACK cancelled inside it could have been mid-pop).
    if (left)
        engine_.drainStopped();
    else
        spdlog::error("the audio thread did not leave the engine within 2 s of JACK going away; its queue is left as it is");
    live_ = nullptr;
}

Result<void> Daemon::resumeOnJack()
{
    liveRate_ = jack_->sampleRate();
    liveBlock_ = jack_->bufferSize();
    if (jack_->sampleRate() != meters_->sampleRate()) {
        // Safe to replace: no audio thread runs until the new client is activated below.
        auto meters = std::make_unique<meter::MeterBank>(engine_, jack_->sampleRate());
        {
            std::lock_guard lock(metersMutex_);
            meters_ = std::move(meters);
        }
        meters_->start();
    }
    // What surfaces set, before the server went and while it was away, comes back under the
    // reload rule: kept where the file still says what the running session said, the file's
    // value where it changed (all of it when the file is the one that was running).
    const auto carried = paramControl_.carried();
    auto loaded = session::loadSessionFile(options_.session);
    if (!loaded)
        // The file may have been edited into a broken state meanwhile: rebuild the last good one.
        spdlog::error("{}", loaded.error().message);
    session::SessionSpec spec = loaded ? std::move(loaded.value()) : spec_;
    const bool sameSession = spec.text == spec_.text;
    auto graph = engine::buildGraph(spec, jack_->sampleRate(), config::maxBlockFrames, resolver_, carried);
    if (!graph && !sameSession) {
        spdlog::error("{}", graph.error().message);
        spec = spec_;
        graph = engine::buildGraph(spec, jack_->sampleRate(), config::maxBlockFrames, resolver_, carried);
    }
    if (!graph)
        return graph.error();
    if (auto r = jack_->preparePorts(**graph); !r)
        return r;
    auto taps = makeTaps(**graph);
    if (!taps) {
        // Recording cannot follow this graph (its sources changed mid-take): keep the audio.
        spdlog::error("{}", taps.error().message);
        taps = std::make_unique<engine::TapSet>();
    }
    const engine::Graph* installed = graph->get();
    // The running graph's ports went with the old server: it cannot play out its fade. Changes
    // made while the graph was being built (a JIT compile can take seconds) are not in it: they
    // follow it through the queue, and the first block applies them.
    install(std::move(graph.value()), std::move(taps.value()), engine::Swap::FadeIn, carried);
    spec_ = std::move(spec);
    if (auto r = jack_->activate(); !r)
        return r;
    for (const auto& warning : jack_->connect(*installed))
        spdlog::warn("{}", warning);
    return {};
}

Result<float> Daemon::setParam(std::string_view address, double value)
{
    return paramControl_.set(address, value);
}

Result<void> Daemon::setParams(std::span<const control::ParamChangeRequest> changes, std::uint64_t atFrame)
{
    return paramControl_.setMany(changes, atFrame);
}

control::EngineClock Daemon::engineClock()
{
    const auto reading = engine_.clockReading();
    const int rate = liveRate_.load(std::memory_order_relaxed);
    if (reading.monotonicNs == 0 || rate <= 0)
        return {};
    return {reading.frame, reading.monotonicNs, rate, reading.exact};
}

void Daemon::addParamListener(engine::ParamListener* listener)
{
    paramControl_.addListener(listener);
}

void Daemon::removeParamListener(engine::ParamListener* listener)
{
    paramControl_.removeListener(listener);
}

Result<engine::ParamState> Daemon::getParam(std::string_view address)
{
    return paramControl_.get(address);
}

std::vector<engine::ParamState> Daemon::params()
{
    return paramControl_.snapshot();
}

Result<void> Daemon::reloadSession()
{
    std::lock_guard lock(graphMutex_);
    if (!jack_)
        return makeError(ErrorCode::Engine, "cannot reload: not connected to JACK");
    spdlog::info("reloading {}", options_.session.string());
    // The reload rule: a value set live stays where the file still says what it said; where the
    // file changed it, the file's value wins.
    const auto carried = paramControl_.carried();
    session::SessionSpec spec;
    auto graph = loadAndBuild(jack_->sampleRate(), config::maxBlockFrames, spec, carried);
    if (!graph)
        return graph.error();
    const auto previousSources = recording_ ? recording_->sources() : std::vector<std::string> {};
    if (recording_)
        if (auto r = recording_->adopt(spec, jack_->sampleRate()); !r)
            return r;
    if (auto r = goLive(std::move(graph.value()), carried); !r) {
        if (recording_ && live_)
            (void)recording_->setSources(previousSources, *live_);
        return r;
    }
    spec_ = std::move(spec);
    if (osc_) {
        std::string accessWarning;
        osc_->setAccess(control::AccessList::forSession(spec_.osc.allow, &accessWarning));
        if (!accessWarning.empty())
            spdlog::error("{}", accessWarning);
        osc_->setLimits(oscLimitsFor(spec_.osc));
    }
    spdlog::info("reloaded session '{}' ({} track(s))", spec_.name, spec_.tracks.size());
    wantMemoryReleased();
    return {};
}

void Daemon::wantMemoryReleased()
{
    // After the crossfade (30 ms) and the retired graph's trip back through the event queue.
    const auto at = std::chrono::steady_clock::now() + std::chrono::milliseconds(250);
    releaseAfterNs_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count(),
        std::memory_order_relaxed);
}

void Daemon::releaseFreedMemory()
{
    const std::int64_t after = releaseAfterNs_.load(std::memory_order_relaxed);
    const auto now = std::chrono::steady_clock::now();
    if (after == 0 || std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() < after
        || engine_.crossfading())
        return;
    // A reload on another thread may ask again meanwhile: then it runs again after that one.
    std::int64_t expected = after;
    releaseAfterNs_.compare_exchange_strong(expected, 0, std::memory_order_relaxed);
    engine_.collectGarbage();
    // The audio thread never allocates, so it neither waits for an arena's lock here nor touches
    // the free pages handed back; control threads that allocate again fault them back in.
    const long before = residentKb();
    ::malloc_trim(0);
    spdlog::debug("malloc_trim handed {} MB of freed memory back to the system in {:.1f} ms",
        (before - residentKb()) / 1024,
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - now).count());
}

void Daemon::reportDspFaults()
{
    // A reload holds the lock while it compiles: the counts wait for the next pass.
    std::unique_lock lock(graphMutex_, std::try_to_lock);
    if (!lock || !live_)
        return;
    for (const auto& fault : dspFaults_.poll(*live_, std::chrono::steady_clock::now())) {
        spdlog::error("{} output NaN, infinity or a level past +96 dBFS in {} block(s) ({} since the session "
                      "loaded): each was silenced and the DSP's state reset",
            fault.label, fault.blocks, fault.total);
        if (auto* osc = osc_.get())
            osc->broadcast(control::OscReply {"/dsp/fault", {fault.label, int(fault.blocks), int(fault.total)}});
    }
}

void Daemon::onRecordEvent(const record::RecordEvent& event)
{
    const char* name = record::eventName(event.kind);
    switch (event.kind) {
    case record::RecordEvent::Kind::WriteFailed:
    case record::RecordEvent::Kind::LowDiskSpace:
    case record::RecordEvent::Kind::FramesDropped:
        spdlog::error("record: {}: {}", name, event.message);
        break;
    default:
        spdlog::info("record: {}{}{}", name, event.message.empty() ? "" : ": ", event.message);
    }
    // Subscribers hear it as a notice (queued: this runs on the disk thread and must not wait).
    if (auto* osc = osc_.get())
        osc->broadcast(control::OscReply {"/record/event",
            {std::string(name), event.take.string(), event.source, event.message,
                int(std::min<std::uint64_t>(event.frames, INT32_MAX))}});
}

Result<std::string> Daemon::recordStart(std::string_view name)
{
    if (!recording_)
        return makeError(ErrorCode::Engine, "recording is unavailable (see the daemon's log)");
    std::string snapshot;
    std::string takeName(name);
    {
        std::lock_guard lock(graphMutex_);
        snapshot = spec_.text;
        // A take always has a name in its folder: the session's when none is given.
        if (takeName.empty())
            takeName = spec_.name;
    }
    auto take = recording_->start(takeName, std::move(snapshot));
    if (!take)
        return take.error();
    return take->folder.string();
}

Result<void> Daemon::recordStop()
{
    if (!recording_)
        return makeError(ErrorCode::Engine, "recording is unavailable (see the daemon's log)");
    return recording_->stop();
}

Result<void> Daemon::recordMarker(std::string_view name)
{
    if (!recording_)
        return makeError(ErrorCode::Engine, "recording is unavailable (see the daemon's log)");
    return recording_->marker(name);
}

Result<record::RecorderStatus> Daemon::recordStatus()
{
    if (!recording_)
        return makeError(ErrorCode::Engine, "recording is unavailable (see the daemon's log)");
    return recording_->status();
}

Result<void> Daemon::setRecordSources(std::vector<std::string> ids)
{
    if (!recording_)
        return makeError(ErrorCode::Engine, "recording is unavailable (see the daemon's log)");
    std::lock_guard lock(graphMutex_);
    if (!live_)
        return makeError(ErrorCode::Engine, "no session is running");
    if (auto r = recording_->setSources(std::move(ids), *live_); !r)
        return r;
    auto taps = makeTaps(*live_);
    if (!taps)
        return taps.error();
    if (recording_->awaitingOrigin())
        pendingTaps_ = taps->get();
    engine_.installTaps(std::move(taps.value()));
    return {};
}

std::vector<std::string> Daemon::recordSources()
{
    return recording_ ? recording_->sources() : std::vector<std::string> {};
}

meter::MeterSnapshot Daemon::meters()
{
    std::lock_guard lock(metersMutex_);
    return meters_ ? meters_->snapshot() : meter::MeterSnapshot {};
}

void Daemon::resetLoudness()
{
    std::lock_guard lock(metersMutex_);
    if (meters_)
        meters_->resetLoudness();
}

control::DaemonStatus Daemon::status()
{
    control::DaemonStatus s;
    // A reload or a JACK reconnect holds graphMutex_ for seconds: answer with what was known
    // before rather than make the OSC thread (and every surface) wait.
    std::unique_lock lock(graphMutex_, std::try_to_lock);
    if (lock) {
        s.session = spec_.name;
        s.tracks = int(spec_.tracks.size());
        s.buses = int(spec_.buses.size());
        if (jack_) {
            s.sampleRate = jack_->sampleRate();
            s.bufferSize = int(jack_->bufferSize());
            s.xruns = xrunsBefore_ + jack_->xruns();
            s.dspLoadPercent = jack_->cpuLoad();
            liveBlock_ = jack_->bufferSize();
        } else {
            s.sampleRate = spec_.sampleRate;
        }
        std::lock_guard cache(statusMutex_);
        lastStatus_ = s;
    } else {
        std::lock_guard cache(statusMutex_);
        s = lastStatus_;
    }
    s.droppedCommands = engine_.droppedCommands();
    s.uptimeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (recording_) {
        const auto state = recording_->status().state;
        s.recording = state == record::RecorderState::Idle ? control::RecordingState::Idle : control::RecordingState::Recording;
    }
    return s;
}

} // namespace backline::app
