// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/DaemonControl.h"
#include "app/DaemonOptions.h"
#include "app/JackSupervisor.h"
#include "app/MidiHost.h"
#include "app/LiveState.h"
#include "app/NsmClient.h"
#include "app/ServiceNotifier.h"
#include "app/SessionHost.h"
#include "app/SessionSaver.h"
#include "control/osc/OscServer.h"
#include "control/oscquery/ServiceAnnouncer.h"
#include "control/web/WebServer.h"
#include "engine/Engine.h"
#include "engine/ParamControl.h"
#include "engine/PlayControl.h"
#include "engine/TransportControl.h"
#include "port/Listeners.h"
#include "engine/ArrangementControl.h"
#include "show/SceneBook.h"

#include <chrono>
#include <memory>
#include <optional>

namespace backline::app {

/// Process exit codes, documented in README.md.
enum class ExitCode : int {
    Ok = 0,
    Failure = 1,        ///< a runtime failure (render could not be written, …)
    BadSession = 2,     ///< the session file is invalid or its DSP does not compile
    JackUnavailable = 3, ///< no JACK server to connect to
    OscUnavailable = 4, ///< the OSC port could not be bound
};

/// The daemon's life: builds the parts and wires the surfaces to the control port, owns their
/// start and stop order — session → DSP → graph → JACK (or offline) → surfaces, and back down
/// on SIGINT/SIGTERM — and runs the main thread's upkeep until then: SIGHUP reloads, JACK
/// comes back after its server went away, memory is trimmed, recorder and DSP faults reported.
class Daemon final {
public:
    /// nsm: the session manager's client when backlined runs under one (it opened the session).
    explicit Daemon(DaemonOptions options, std::unique_ptr<NsmClient> nsm = nullptr);
    ~Daemon();

    /// [main] Runs until a stop signal (live) or the render is done (offline).
    ExitCode run();

private:
    ExitCode runOffline();
    ExitCode runLive();
    /// [main] Starts the OSC surface on the control port.
    Result<void> startOsc();
    /// [main] Starts the web surface when the session's web.port or --web-port asks for it.
    Result<void> startWeb();
    /// [main] What a reload changed of the surfaces' settings: applied (access, limits, PIN)
    /// or, for the ports, named in the log as needing a restart.
    void applyReloadedSurfaces();
    /// [main] Serves until a stop signal: reloads on SIGHUP, rejoins JACK, upkeep every 50 ms.
    void serveUntilSignal();
    /// [main] Opens the JACK client; with --wait-jack, tries again every 250 ms while the
    /// server is not up yet, until it is, the time is up or a stop signal came (stopped).
    Result<void> openJack(bool& stopped);
    /// [main] systemd's share of every pass of the main loop: the watchdog, and the status line
    /// once a second (jackAway: the daemon waits for its JACK server to come back).
    void tellServiceManager(bool jackAway);
    /// [main] The line `systemctl status` shows.
    std::string serviceStatus(bool jackAway);
    /// [main] The live state kept in its file (LiveState) when it changed, at most once a
    /// second; now: at once, if it changed (at a stop).
    void keepLiveState(bool now = false);
    /// [main] The live state kept at the last run, when there is one to come back to.
    std::optional<LiveState> liveStateToResume();
    /// [main] After the session plays again: its scene, tempo, meter, song and section as kept.
    void resume(const LiveState& state);
    /// [main] libjack is stuck (libraryStuck): no JACK client can be opened by this process
    /// again. The live state kept, the take closed and the surfaces' ports let go, backlined
    /// replaces itself with a new backlined (exec: the same process id for systemd, which it
    /// tells READY again) that waits for JACK. Returns only when exec failed.
    ExitCode startAgain();
    /// [main] The arrangement's upkeep: its section recalls rebuilt after a scene changed, the
    /// sections the audio thread started handed on (values, markers, surfaces).
    void serviceShow();

    DaemonOptions options_;
    ServiceNotifier notifier_;
    std::unique_ptr<NsmClient> nsm_; // null: no session manager
    bool nsmTold_ = false;           // the session manager was answered its open
    std::chrono::steady_clock::time_point statusSent_ {};
    std::optional<std::chrono::steady_clock::time_point> stallAudioAt_; // BACKLINE_TEST_STALL_AUDIO
    std::filesystem::path liveStateFile_; // empty: not kept (--no-live-state, offline)
    std::string liveStateWritten_;        // the text last written (or read at start)
    std::chrono::steady_clock::time_point liveStateLooked_ {};
    bool startAgain_ = false; // serveUntilSignal ended because libjack is stuck
    engine::Engine engine_;
    port::Listeners listeners_;
    engine::ParamControl params_;
    engine::TransportControl transport_;
    engine::PlayControl play_;
    JackSupervisor jack_;
    show::SceneBook scenes_; // a listener of listeners_ from construction to destruction
    engine::ArrangementControl arrangement_;
    std::uint64_t sceneRevision_ = 0; // of scenes_ when the arrangement last rebuilt its recalls (main thread)
    SessionHost host_;
    SessionSaver saver_; // a listener of listeners_ from construction to destruction
    DaemonControl control_;
    MidiHost midi_; // after control_, whose listener it is; a surface like OSC, stopped before JACK
    std::shared_ptr<control::PinGate> pin_; // shared by the OSC and the web server
    int workersSaid_ = 0;                    // the session's workers at start (0: not said)
    std::optional<int> webPort_;             // the web port asked for at start (nullopt: none)
    std::unique_ptr<control::OscServer> osc_;
    std::unique_ptr<control::WebServer> web_; // declared after osc_: it goes first
    std::unique_ptr<control::oscquery::ServiceAnnouncer> announcer_; // withdrawn first
};

} // namespace backline::app
