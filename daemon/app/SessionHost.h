// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/ConnectionRules.h"
#include "app/DaemonOptions.h"
#include "app/DspFaultWatch.h"
#include "app/JackSupervisor.h"
#include "app/MemoryRelease.h"
#include "app/Recording.h"
#include "app/TransportLink.h"
#include "engine/Engine.h"
#include "engine/GraphBuilder.h"
#include "engine/ParamControl.h"
#include "engine/PlayControl.h"
#include "engine/TransportControl.h"
#include "faust/JitCompiler.h"
#include "meter/MeterBank.h"
#include "port/Listeners.h"
#include "port/Meters.h"
#include "session/SessionSpec.h"
#include "engine/ArrangementControl.h"
#include "show/SceneBook.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace backline::app {

/// What plays: the session file, the graph built from it, and what hangs off that graph — the
/// meters, the recording and its taps. Loads and builds sessions (off the audio thread), puts
/// them live on JACK, reloads them under the reload rule and rebuilds them after a JACK
/// restart. One lock, the session lock, serialises all of that; a reload holds it for as long
/// as a Faust compile takes, so what surfaces read never waits for it. SessionHost.cpp loads
/// and puts sessions live; SessionServices.cpp serves the running one (upkeep, reports, answers).
class SessionHost {
public:
    SessionHost(const DaemonOptions& options, engine::Engine& engine, engine::ParamControl& params,
        engine::TransportControl& transport, port::Listeners& listeners, JackSupervisor& jack, show::SceneBook& scenes,
        engine::ArrangementControl& arrangement, engine::PlayControl& play);
    ~SessionHost();
    SessionHost(const SessionHost&) = delete;
    SessionHost& operator=(const SessionHost&) = delete;

    /// [main] Opens JACK, loads the session, starts meters and recording, and plays it; its
    /// parameters start at carried where the reload rule lets them (a live state restored).
    Result<void> startLive(const engine::CarriedValues& carried = {});
    /// [main] Loads and builds the session at its own rate for an offline render; the graph is
    /// installed and returned (owned by the engine).
    Result<engine::Graph*> startOffline(session::SessionSpec& spec);

    /// [control] Reloads the session file; on failure the running graph plays on untouched.
    Result<std::string> reload();
    /// [main] After the JACK server went away: drops the client and rebuilds on a new one when
    /// the server is back (see JackSupervisor::reconnect for waitForStop and idle). Returns
    /// whether audio runs again.
    bool rejoinJack(const std::function<bool()>& waitForStop, const std::function<void()>& idle);
    /// [main] Fades the outputs to silence before the client closes (no click at a stop), and
    /// lets go of JACK's transport.
    void fadeOutForStop();

    /// [main] Recorder upkeep: tells it when its rings started and about xruns.
    void serviceRecording();
    /// [main] Logs and tells listeners when a session DSP output NaN or infinity.
    void reportDspFaults();
    /// [main] A section of a song started (news from the arrangement): a marker "song/section"
    /// in the open take at its frame, its scene the current one, surfaces told.
    void sectionStarted(const engine::SectionNews& news);
    /// [main] A recall of scene (over a surface, not a section's) landed on engine frame frame:
    /// a marker "scene:<name>" in the open take there.
    void sceneLanded(const std::string& scene, std::uint64_t frame);

    /// [control] The session's name, track and bus counts and rate as last known; the JACK
    /// figures too. Never waits for a reload in progress (answers what was known before).
    struct Summary {
        std::string name;
        int tracks = 0;
        int buses = 0;
        int sampleRate = 0;
        int bufferSize = 0;
        std::uint64_t xruns = 0;
        double dspLoadPercent = 0.0;
    };
    Summary summary();
    /// [any] The OSC settings of the running session (for the surface's limits after a reload).
    session::OscSpec oscSpec();
    /// [any] The web surface's settings of the running session (its PIN after a reload).
    session::WebSpec webSpec();
    /// [any] The `midi:` section of the running session (the MIDI surface's settings).
    session::MidiSpec midiSpec();
    /// [any] Meters and loudness.
    port::MeterSnapshot meters();
    void resetLoudness();

    /// What a save writes, read together under the session lock so a reload cannot come
    /// between them: the session as loaded (its text too) and every parameter's live value
    /// with what that session gives it.
    struct SaveSource {
        session::SessionSpec spec;
        engine::CarriedValues values;
        std::uint64_t loads = 0; ///< counts loads: which one spec is
    };
    /// [control] Waits for a reload in progress.
    SaveSource saveSource();
    /// [control] A save wrote the session's own file: spec is what it now holds and values what
    /// it gives the parameters, so the next save edits that text and the next reload keeps a
    /// live value unless the file changed since. Ignored when another load came after the one
    /// the save read (loads, from its SaveSource).
    void savedOver(std::uint64_t loads, session::SessionSpec spec, std::span<const port::ParamChange> values);
    /// [any] The running session's `autosave_seconds`, 0 when it has none.
    int autosaveSeconds() const noexcept { return autosaveSeconds_.load(std::memory_order_relaxed); }
    /// [any] The running session's `workers` (0: not said).
    int sessionWorkers() const noexcept { return workers_.load(std::memory_order_relaxed); }

    /// The recording, null when unavailable. Requests go through the methods below.
    Recording* recording() const noexcept { return recording_.get(); }
    /// [control] Opens a take named name (the session's when empty); returns its folder.
    Result<std::string> recordStart(std::string_view name);
    /// [control] Chooses the record sources and retaps the running graph.
    Result<void> setRecordSources(std::vector<std::string> ids);

    /// [main] Connects the ports that appeared on the JACK server since the last look as the
    /// auto-connect rules say (skipped while a reload or a reconnect holds the session).
    void serviceConnections();
    /// [control] The auto-connect rules in force, each with what it holds on JACK now.
    std::vector<port::ConnectionState> connections();
    /// [control] Adds an auto-connect rule and carries it out now; the connections it made.
    Result<std::size_t> addConnection(const port::ConnectionRule& rule);
    /// [control] Removes an auto-connect rule (the connections it made stay).
    Result<void> removeConnection(const port::ConnectionRule& rule);
    /// [any] The rules in force, and their revision (a new one: something to save).
    const ConnectionRules& connectionRules() const noexcept { return connections_; }

    /// [main] Frees retired graphs and hands the memory a load freed back to the system once
    /// the crossfade is over (MemoryRelease).
    void releaseFreedMemory() { memory_.releaseIfDue(engine_); }

private:
    /// [control] Loads the session file and builds its graph for the given rate, starting the
    /// parameters at the carried values the reload rule lets through (see carryTarget).
    Result<std::unique_ptr<engine::Graph>> loadAndBuild(int sampleRate, std::uint32_t maxFrames, session::SessionSpec& spec,
        const engine::CarriedValues& carried = {});
    /// [control] The taps graph needs: the master for loudness, the chosen record sources.
    Result<std::unique_ptr<engine::TapSet>> makeTaps(const engine::Graph& graph);
    /// [control] Installs graph in the engine with its taps and meters; session lock held.
    /// carried: what graph was built with (changes made since follow it, ParamControl::install).
    void install(std::unique_ptr<engine::Graph> graph, std::unique_ptr<engine::TapSet> taps,
        engine::Swap swap = engine::Swap::Crossfade, const engine::CarriedValues& carried = {});
    /// [control] Makes spec the running session, its transport settings too, and (scenes) its
    /// scenes, safes and recall defaults; session lock held.
    void adopt(session::SessionSpec spec, bool scenes = true);
    /// [control] Hands spec_'s songs to the arrangement, for the graph just installed (after
    /// both adopt() and install()); session lock held.
    void adoptSongs();
    /// [control] Carries out every auto-connect rule on jack; session lock held.
    void applyConnectionRules(jack::JackBackend& jack);
    /// [control] Puts graph live on JACK: ports, connections, swap, release of old ports.
    Result<void> goLive(std::unique_ptr<engine::Graph> graph, const engine::CarriedValues& carried);
    /// [main] On the client JACK was just reopened with: rebuilds the session (the last good
    /// one if the file no longer loads) under the reload rule and starts it; session lock held.
    Result<void> resumeOnJack();
    /// [disk thread] What the recorder reports: logged, and told to listeners.
    void onRecordEvent(const record::RecordEvent& event);

    const DaemonOptions& options_;
    engine::Engine& engine_;
    engine::ParamControl& params_;
    port::Listeners& listeners_;
    JackSupervisor& jack_;
    show::SceneBook& scenes_;
    engine::ArrangementControl& arrangement_;
    engine::PlayControl& play_;
    engine::DspResolver resolver_;
    faust::JitCompiler jit_;

    std::mutex mutex_; // the session lock: reloads (surfaces, SIGHUP), JACK reconnects, retaps
    ConnectionRules connections_;
    session::SessionSpec spec_;
    bool adopted_ = false; // spec_ is a session that ran (its transport settings were applied)
    TransportLink transport_; // under mutex_
    const engine::Graph* live_ = nullptr; // the graph installed last; valid under mutex_
    std::unique_ptr<meter::MeterBank> meters_;
    std::mutex metersMutex_; // held to replace meters_ (a server back at another rate) and by readers
    std::unique_ptr<Recording> recording_;
    const engine::TapSet* pendingTaps_ = nullptr; // taps whose first frame the recorder awaits (identity only)
    std::uint64_t xrunsSeen_ = 0;
    DspFaultWatch dspFaults_; // main thread only
    std::mutex summaryMutex_; // guards lastSummary_, what summary() answers while mutex_ is busy
    Summary lastSummary_;
    session::OscSpec oscSpec_; // guarded by summaryMutex_
    session::WebSpec webSpec_; // guarded by summaryMutex_
    session::MidiSpec midiSpec_; // guarded by summaryMutex_
    std::uint64_t loads_ = 0; // adopt()s so far, under mutex_
    std::atomic<int> autosaveSeconds_ {0}; // a setting alone: nothing is published with it
    std::atomic<int> workers_ {0};         // a setting alone
    MemoryRelease memory_;
};

} // namespace backline::app
