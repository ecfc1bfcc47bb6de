// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/DaemonOptions.h"
#include "app/DspFaultWatch.h"
#include "app/Recording.h"
#include "control/osc/ControlTarget.h"
#include "control/osc/OscServer.h"
#include "engine/Engine.h"
#include "engine/GraphBuilder.h"
#include "engine/ParamControl.h"
#include "faust/JitCompiler.h"
#include "jack/JackBackend.h"
#include "meter/MeterBank.h"
#include "session/SessionSpec.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

namespace backline::app {

/// Process exit codes, documented in README.md.
enum class ExitCode : int {
    Ok = 0,
    Failure = 1,        ///< a runtime failure (render could not be written, …)
    BadSession = 2,     ///< the session file is invalid or its DSP does not compile
    JackUnavailable = 3, ///< no JACK server to connect to
    OscUnavailable = 4, ///< the OSC port could not be bound
};

/// Wires the subsystems together and owns their start/stop order: session → DSP → graph →
/// JACK (or offline) → OSC, and back down on SIGINT/SIGTERM. SIGHUP and /session/reload
/// reload the session, keeping the running graph if the new one fails to build.
class Daemon final : public control::ControlTarget {
public:
    explicit Daemon(DaemonOptions options);
    ~Daemon() override;

    /// [main] Runs until a stop signal (live) or the render is done (offline).
    ExitCode run();

    Result<float> setParam(std::string_view address, double value) override;
    Result<void> setParams(std::span<const control::ParamChangeRequest> changes, std::uint64_t atFrame) override;
    Result<engine::ParamState> getParam(std::string_view address) override;
    std::vector<engine::ParamState> params() override;
    Result<void> reloadSession() override;
    control::DaemonStatus status() override;
    meter::MeterSnapshot meters() override;
    Result<std::string> recordStart(std::string_view name) override;
    Result<void> recordStop() override;
    Result<void> recordMarker(std::string_view name) override;
    Result<record::RecorderStatus> recordStatus() override;
    Result<void> setRecordSources(std::vector<std::string> ids) override;
    std::vector<std::string> recordSources() override;
    void resetLoudness() override;
    control::EngineClock engineClock() override;
    void addParamListener(engine::ParamListener* listener) override;
    void removeParamListener(engine::ParamListener* listener) override;

private:
    ExitCode runOffline();
    ExitCode runLive();
    /// [control] Loads the session file and builds its graph for the given rate, starting the
    /// parameters at the carried values the reload rule lets through (see carryTarget).
    Result<std::unique_ptr<engine::Graph>> loadAndBuild(int sampleRate, std::uint32_t maxFrames, session::SessionSpec& spec,
        const engine::CarriedValues& carried = {});
    /// [control] The taps graph needs: the master for loudness, the chosen record sources.
    Result<std::unique_ptr<engine::TapSet>> makeTaps(const engine::Graph& graph);
    /// [control] Installs graph in the engine with its taps and meters; graphMutex_ held. carried:
    /// what graph was built with (changes made since follow it, see ParamControl::install).
    void install(std::unique_ptr<engine::Graph> graph, std::unique_ptr<engine::TapSet> taps,
        engine::Swap swap = engine::Swap::Crossfade, const engine::CarriedValues& carried = {});
    /// [main] Recorder upkeep: tells it when its rings started and about xruns.
    void serviceRecording();
    /// [main] Logs and tells subscribers when a session DSP output NaN or infinity.
    void reportDspFaults();
    /// [disk thread] What the recorder reports: logged, and told to OSC subscribers.
    void onRecordEvent(const record::RecordEvent& event);
    /// [control] Puts graph live on JACK: ports, connections, swap, release of old ports.
    Result<void> goLive(std::unique_ptr<engine::Graph> graph, const engine::CarriedValues& carried);
    /// [main] After the JACK server went away: reconnect and rebuild until it is back or we stop.
    bool reconnectJack(const std::atomic<bool>& stopping);
    /// [main] Closes the JACK client (its server is gone); graphMutex_ held.
    void dropJack();
    /// [main] On the client reconnectJack() just opened: rebuilds the session (the last good
    /// one if the file no longer loads), with the values set over OSC where the file did not
    /// change them (the reload rule), and starts it; graphMutex_ held.
    Result<void> resumeOnJack();
    void serveUntilSignal();
    /// [main] Fades the outputs to silence before the client closes (no click at a stop).
    void fadeOutForStop();
    /// [any control thread] Asks the main thread to hand freed memory back to the system once
    /// the graph a load replaced is gone (see releaseFreedMemory).
    void wantMemoryReleased();
    /// [main] When asked and the crossfade is over: frees retired graphs and returns the free
    /// pages of every malloc arena to the system (malloc_trim). A Faust compile leaves tens of
    /// megabytes freed in its thread's arena, and each reload more (docs/BENCHMARKS.md).
    void releaseFreedMemory();

    DaemonOptions options_;
    engine::Engine engine_;
    engine::ParamControl paramControl_;
    engine::DspResolver resolver_;
    faust::JitCompiler jit_;
    std::unique_ptr<jack::JackBackend> jack_;
    std::unique_ptr<meter::MeterBank> meters_;
    std::mutex metersMutex_; // held to replace meters_ (a JACK server back at another rate) and by readers without graphMutex_
    std::unique_ptr<Recording> recording_;
    const engine::TapSet* pendingTaps_ = nullptr; // taps whose first frame the recorder awaits (identity only)
    std::uint64_t xrunsSeen_ = 0;
    std::unique_ptr<control::OscServer> osc_;

    std::mutex graphMutex_; // serialises reloads (OSC thread, SIGHUP) and JACK reconnects
    session::SessionSpec spec_;
    const engine::Graph* live_ = nullptr; // the graph installed last; valid while graphMutex_ is held
    DspFaultWatch dspFaults_;             // main thread only
    std::atomic<std::uint64_t> xrunsBefore_ {0}; // xruns of JACK clients closed since start
    // The live rate and period, readable without graphMutex_ (which a reload or a JACK
    // reconnect holds for seconds) by the OSC thread's timetag conversion.
    std::atomic<int> liveRate_ {0};
    std::atomic<std::uint32_t> liveBlock_ {0};
    std::mutex statusMutex_; // guards lastStatus_, what status() answers while graphMutex_ is busy
    control::DaemonStatus lastStatus_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    // steady_clock nanoseconds after which releaseFreedMemory() runs; 0: not asked. Written by
    // the thread that loaded a session, read by the main thread (relaxed: a moment's delay is fine).
    std::atomic<std::int64_t> releaseAfterNs_ {0};
};

} // namespace backline::app
