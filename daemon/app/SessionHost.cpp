// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/SessionHost.h"

#include "core/Config.h"
#include "session/SessionLoader.h"
#include "app/MidiMapCheck.h"
#include "show/SceneCheck.h"

#include <spdlog/spdlog.h>

#include <thread>

namespace backline::app {

namespace {

faust::JitCompiler::Options jitOptions(const DaemonOptions& options)
{
    faust::JitCompiler::Options jit;
    if (!options.noCache)
        jit.cacheDir = options.cacheDir.empty() ? faust::JitCompiler::defaultCacheDir() : options.cacheDir;
    return jit;
}

} // namespace

SessionHost::SessionHost(const DaemonOptions& options, engine::Engine& engine, engine::ParamControl& params,
    engine::TransportControl& transport, port::Listeners& listeners, JackSupervisor& jack, show::SceneBook& scenes,
    engine::ArrangementControl& arrangement, engine::PlayControl& play)
    : options_(options)
    , engine_(engine)
    , params_(params)
    , listeners_(listeners)
    , jack_(jack)
    , scenes_(scenes)
    , arrangement_(arrangement)
    , play_(play)
    , jit_(jitOptions(options_))
    , transport_(transport)
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

SessionHost::~SessionHost()
{
    // The audio thread is gone (the JACK client closed first): the rings it wrote can go with
    // their owners. A take still open is closed cleanly by the recorder's destructor.
    recording_.reset();
    meters_.reset();
}

Result<std::unique_ptr<engine::Graph>> SessionHost::loadAndBuild(int sampleRate, std::uint32_t maxFrames,
    session::SessionSpec& spec, const engine::CarriedValues& carried)
{
    auto loaded = session::loadSessionFile(options_.session);
    if (!loaded)
        return loaded.error();
    spec = std::move(loaded.value());
    auto graph = engine::buildGraph(spec, sampleRate, maxFrames, resolver_, carried);
    if (!graph)
        return graph.error();
    // Scenes name parameters, which only the graph knows (a DSP's come from its compile).
    if (auto r = show::checkScenes(spec, (*graph)->params->all()); !r)
        return r.error();
    if (auto r = checkMidiMap(spec, (*graph)->params->all()); !r)
        return r.error();
    return graph;
}

Result<std::unique_ptr<engine::TapSet>> SessionHost::makeTaps(const engine::Graph& graph)
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

void SessionHost::install(std::unique_ptr<engine::Graph> graph, std::unique_ptr<engine::TapSet> taps, engine::Swap swap,
    const engine::CarriedValues& carried)
{
    const engine::Graph* installed = graph.get();
    if (meters_)
        meters_->adopt(*installed);
    if (recording_ && recording_->awaitingOrigin())
        pendingTaps_ = taps.get();
    params_.install(std::move(graph), std::move(taps), swap, carried);
    // After the swap is queued: a note sent for the new graph then reaches it, not the old one.
    play_.install(*installed);
    live_ = installed;
    params_.notifyReset();
}

void SessionHost::adopt(session::SessionSpec spec, bool scenes)
{
    if (scenes)
        scenes_.adopt(spec);
    const session::TransportSpec previous = spec_.transport;
    transport_.adopt(spec.transport, adopted_ ? &previous : nullptr);
    adopted_ = true;
    ++loads_;
    spec_ = std::move(spec);
    autosaveSeconds_.store(spec_.autosaveSeconds.value_or(0), std::memory_order_relaxed);
    workers_.store(spec_.workers.value_or(0), std::memory_order_relaxed);
    std::lock_guard cache(summaryMutex_);
    oscSpec_ = spec_.osc;
    webSpec_ = spec_.web;
    midiSpec_ = spec_.midi;
    std::vector<port::ConnectionRule> rules;
    for (const auto& connection : spec_.connections)
        rules.push_back(connection.rule);
    connections_.adoptFile(rules);
    for (const auto& track : spec_.tracks)
        if (track.instrument && !track.instrument->midiDevices.empty())
            midiSpec_.keyboards.push_back({track.name, track.instrument->midiDevices});
}

void SessionHost::adoptSongs()
{
    // The section recalls are prepared for the graph just installed; the songs play on where
    // they are when the file kept them.
    if (auto r = arrangement_.adopt(spec_); !r)
        spdlog::error("the songs cannot be played: {}", r.error().message);
}

Result<void> SessionHost::startLive(const engine::CarriedValues& carried)
{
    if (!jack_.backend())
        if (auto r = jack_.open(); !r)
            return r;
    auto* jack = jack_.backend();
    meters_ = std::make_unique<meter::MeterBank>(engine_, jack->sampleRate());
    meters_->start();
    std::lock_guard lock(mutex_);
    session::SessionSpec spec;
    auto graph = loadAndBuild(jack->sampleRate(), config::maxBlockFrames, spec, carried);
    if (!graph)
        return graph.error();
    adopt(spec);
    auto recording = Recording::create(spec_, jack->sampleRate());
    if (!recording && recording.error().code == ErrorCode::Session)
        return recording.error();
    if (!recording)
        spdlog::error("recording is unavailable: {}", recording.error().message);
    else
        recording_ = std::move(recording.value());
    if (recording_)
        recording_->onEvent([this](const record::RecordEvent& e) { onRecordEvent(e); });
    auto taps = makeTaps(**graph);
    if (!taps)
        return makeError(ErrorCode::Session, taps.error().message);
    if (auto r = jack->preparePorts(**graph); !r)
        return r;
    const engine::Graph* installed = graph->get();
    install(std::move(graph.value()), std::move(taps.value()));
    adoptSongs();
    if (auto r = jack->activate(); !r)
        return r;
    transport_.attach(jack);
    for (const auto& warning : jack->connect(*installed))
        spdlog::warn("{}", warning);
    applyConnectionRules(*jack);
    memory_.want();
    return {};
}

Result<engine::Graph*> SessionHost::startOffline(session::SessionSpec& spec)
{
    auto probe = session::loadSessionFile(options_.session);
    if (!probe)
        return probe.error();
    auto graph = loadAndBuild(probe->sampleRate, config::offlineBlockFrames, spec);
    if (!graph)
        return graph.error();
    engine::Graph* built = graph->get();
    std::lock_guard lock(mutex_);
    adopt(spec);
    auto taps = makeTaps(*built);
    install(std::move(graph.value()), taps ? std::move(taps.value()) : nullptr);
    adoptSongs();
    return built;
}

Result<void> SessionHost::goLive(std::unique_ptr<engine::Graph> graph, const engine::CarriedValues& carried)
{
    auto* jack = jack_.backend();
    auto taps = makeTaps(*graph);
    if (!taps)
        return taps.error();
    if (auto r = jack->preparePorts(*graph); !r)
        return r;
    for (const auto& warning : jack->connect(*graph))
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
            jack->releasePortsNotIn(*installed);
    }
    return {};
}

Result<std::string> SessionHost::reload()
{
    std::lock_guard lock(mutex_);
    auto* jack = jack_.backend();
    if (!jack)
        return makeError(ErrorCode::Engine, "cannot reload: not connected to JACK");
    spdlog::info("reloading {}", options_.session.string());
    // The reload rule: a value set live stays where the file still says what it said; where the
    // file changed it, the file's value wins.
    const auto carried = params_.carried();
    session::SessionSpec spec;
    auto graph = loadAndBuild(jack->sampleRate(), config::maxBlockFrames, spec, carried);
    if (!graph)
        return graph.error();
    const auto previousSources = recording_ ? recording_->sources() : std::vector<std::string> {};
    if (recording_)
        if (auto r = recording_->adopt(spec, jack->sampleRate()); !r)
            return r.error();
    if (auto r = goLive(std::move(graph.value()), carried); !r) {
        if (recording_ && live_)
            (void)recording_->setSources(previousSources, *live_);
        return r.error();
    }
    adopt(std::move(spec));
    adoptSongs();
    applyConnectionRules(*jack); // the new file's rules, when it changed them
    spdlog::info("reloaded session '{}' ({} track(s))", spec_.name, spec_.tracks.size());
    memory_.want();
    {
        // summary() answers from this while another thread holds the session lock: it must not
        // name the session just replaced.
        std::lock_guard cache(summaryMutex_);
        lastSummary_.name = spec_.name;
        lastSummary_.tracks = int(spec_.tracks.size());
        lastSummary_.buses = int(spec_.buses.size());
    }
    return spec_.name;
}

bool SessionHost::rejoinJack(const std::function<bool()>& waitForStop, const std::function<void()>& idle)
{
    spdlog::error("the JACK server went away; audio stopped. Reconnecting every 250 ms (Ctrl-C to quit)");
    {
        std::lock_guard lock(mutex_);
        transport_.attach(nullptr);
        jack_.drop();
        live_ = nullptr;
        if (recording_)
            recording_->jackLost();
    }
    auto resume = [this] {
        auto r = resumeOnJack();
        if (!r)
            live_ = nullptr; // the client it was installed for is dropped again
        return r;
    };
    if (!jack_.reconnect(mutex_, resume, waitForStop, idle))
        return false;
    {
        std::lock_guard lock(mutex_);
        if (recording_)
            recording_->jackBack();
    }
    spdlog::info("reconnected to JACK; audio running again");
    memory_.want();
    return true;
}

Result<void> SessionHost::resumeOnJack()
{
    auto* jack = jack_.backend();
    if (jack->sampleRate() != meters_->sampleRate()) {
        // Safe to replace: no audio thread runs until the new client is activated below.
        auto meters = std::make_unique<meter::MeterBank>(engine_, jack->sampleRate());
        {
            std::lock_guard lock(metersMutex_);
            meters_ = std::move(meters);
        }
        meters_->start();
    }
    // What surfaces set, before the server went and while it was away, comes back under the
    // reload rule: kept where the file still says what the running session said, the file's
    // value where it changed (all of it when the file is the one that was running).
    const auto carried = params_.carried();
    auto loaded = session::loadSessionFile(options_.session);
    if (!loaded)
        // The file may have been edited into a broken state meanwhile: rebuild the last good one.
        spdlog::error("{}", loaded.error().message);
    session::SessionSpec spec = loaded ? std::move(loaded.value()) : spec_;
    const bool sameSession = spec.text == spec_.text;
    auto graph = engine::buildGraph(spec, jack->sampleRate(), config::maxBlockFrames, resolver_, carried);
    if (!graph && !sameSession) {
        spdlog::error("{}", graph.error().message);
        spec = spec_;
        graph = engine::buildGraph(spec, jack->sampleRate(), config::maxBlockFrames, resolver_, carried);
    }
    if (!graph)
        return graph.error();
    if (auto r = jack->preparePorts(**graph); !r)
        return r;
    auto taps = makeTaps(**graph);
    if (!taps) {
        // Recording cannot follow this graph (its sources changed mid-take): keep the audio.
        spdlog::error("{}", taps.error().message);
        taps = std::make_unique<engine::TapSet>();
    }
    const engine::Graph* installed = graph->get();
    // Back on JACK, the show goes on: scenes stored and safes set since the load stay.
    adopt(std::move(spec), false);
    // The running graph's ports went with the old server: it cannot play out its fade. Changes
    // made while the graph was being built (a JIT compile can take seconds) are not in it: they
    // follow it through the queue, and the first block applies them.
    install(std::move(graph.value()), std::move(taps.value()), engine::Swap::FadeIn, carried);
    adoptSongs();
    if (auto r = jack->activate(); !r)
        return r;
    transport_.attach(jack);
    for (const auto& warning : jack->connect(*installed))
        spdlog::warn("{}", warning);
    applyConnectionRules(*jack);
    return {};
}

void SessionHost::fadeOutForStop()
{
    std::lock_guard lock(mutex_);
    transport_.attach(nullptr);
    if (!jack_.backend() || jack_.serverGone() || !live_)
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

} // namespace backline::app
