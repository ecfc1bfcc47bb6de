// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/Daemon.h"

#include "app/Signals.h"
#include "app/SongRender.h"
#include "app/StatusLine.h"
#include "control/osc/OscSockets.h"
#include "control/oscquery/OscQueryHook.h"
#include "core/AtomicFile.h"
#include "core/Config.h"
#include "engine/OfflineRenderer.h"
#include "session/SessionLoader.h"
#include "session/YamlTrial.h"

#include <fmt/format.h>
#include <cstdlib>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <sstream>

namespace backline::app {

namespace fs = std::filesystem;

namespace {

ExitCode exitCodeFor(const Error& error)
{
    switch (error.code) {
    case ErrorCode::Session:
    case ErrorCode::Faust:
    case ErrorCode::Param:
    case ErrorCode::Midi: // a mapping the session names that its parameters cannot take
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

ExitCode fail(const Error& error)
{
    spdlog::error("{}", error.message);
    return exitCodeFor(error);
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

/// Who may talk to OSC, as the session says; a problem with the fallback file is logged.
control::AccessList oscAccessFor(const session::OscSpec& osc)
{
    std::string warning;
    auto access = control::AccessList::forSession(osc.allow, &warning);
    if (!warning.empty())
        spdlog::error("{}", warning);
    return access;
}

} // namespace

Daemon::Daemon(DaemonOptions options, std::unique_ptr<NsmClient> nsm)
    : options_(std::move(options))
    , nsm_(std::move(nsm))
    , params_(engine_, listeners_)
    , transport_(engine_)
    , play_(engine_)
    , jack_({options_.jackServer, options_.clientName}, engine_, params_)
    , scenes_(params_, transport_,
          {[this] { return control_.clock(); }})
    , arrangement_(engine_, params_, [this](std::string_view scene) { return scenes_.recallValues(scene); })
    , host_(options_, engine_, params_, transport_, listeners_, jack_, scenes_, arrangement_, play_)
    , saver_(host_, scenes_, listeners_)
    , control_(engine_, params_, transport_, listeners_, jack_, host_, scenes_, arrangement_, saver_, play_)
    , midi_(control_, listeners_, options_.clientName, engine_.audio().midiWire())
{
    // RtMidi's JACK clients (MidiHost) take no server name but libjack's default: name the
    // server there now, while this is the only thread (setenv races any thread's getenv).
    if (!options_.jackServer.empty())
        ::setenv("JACK_DEFAULT_SERVER", options_.jackServer.c_str(), 1);
    listeners_.add(&scenes_);
    listeners_.add(&saver_);
    // A reload may change who may talk to OSC and how fast.
    control_.onReloaded([this] { applyReloadedSurfaces(); });
    control_.onReloadSteps([this] { notifier_.reloading(); }, [this] { notifier_.ready(serviceStatus(false)); });
}

Daemon::~Daemon()
{
    // Stop order: surfaces first so nothing new arrives, then audio; the session's meters and
    // recording (whose rings the audio thread wrote) go with host_, then the engine's graphs.
    // The web server before the OSC server: its WebSockets are the OSC server's clients.
    announcer_.reset();
    web_.reset();
    osc_.reset();
    saver_.stopAutosave();
    saver_.setMidiMap({}, {});
    control_.setMidi(nullptr);
    midi_.stop();
    jack_.close();
    listeners_.remove(&saver_);
    listeners_.remove(&scenes_);
}

ExitCode Daemon::run()
{
    if (!session::yamlTrialHelper())
        spdlog::warn("backline-yaml-trial was not found (next to backlined, or in ../libexec/backline/): session "
                     "files are parsed without the guard against yaml-cpp running away. Reinstall backline");
    if (options_.render)
        return runOffline();
    const ExitCode code = runLive();
    if (nsm_ && !nsmTold_)
        nsm_->opened(Error {code == ExitCode::JackUnavailable ? ErrorCode::Jack : ErrorCode::Session,
            "backline could not start the session: its log says why"});
    return code;
}

ExitCode Daemon::runOffline()
{
    session::SessionSpec spec;
    auto graph = host_.startOffline(spec);
    if (!graph)
        return fail(graph.error());
    auto renderer = engine::OfflineRenderer::create(engine_, **graph, config::offlineBlockFrames, options_.workers.value_or(0));
    if (!renderer)
        return fail(renderer.error());
    const auto started = std::chrono::steady_clock::now();
    double seconds = options_.duration.value_or(defaultRenderSeconds);
    std::string played;
    if (options_.song) {
        SongRender song(engine_, transport_, arrangement_);
        auto length = [&]() -> Result<double> {
            if (auto r = song.cue(spec, *options_.song, options_.duration, options_.tail); !r)
                return r.error();
            return song.render(**renderer, *options_.render);
        }();
        if (!length) {
            spdlog::error("{}", length.error().message);
            return ExitCode::Failure;
        }
        seconds = *length;
        played = song.summary();
    } else if (auto r = (*renderer)->renderToFile(*options_.render, seconds); !r) {
        spdlog::error("{}", r.error().message);
        return ExitCode::Failure;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    spdlog::info("rendered {:.3f} s of '{}' at {} Hz to {} in {:.3f} s ({:.0f}x real time, {} worker{})", seconds,
        spec.name, spec.sampleRate, options_.render->string(), elapsed, elapsed > 0 ? seconds / elapsed : 0.0,
        (*renderer)->workers(), (*renderer)->workers() == 1 ? "" : "s");
    if (!played.empty())
        spdlog::info("{}", played);
    return ExitCode::Ok;
}

ExitCode Daemon::runLive()
{
    auto probe = session::loadSessionFile(options_.session);
    if (!probe)
        return fail(probe.error());
    // The OSC port before JACK: a second backlined started by mistake must not open a client,
    // connect to the playback ports and play into the PA until it finds its port taken.
    const int oscPort = options_.oscPort.value_or(probe->osc.port);
    if (auto r = oscPortAvailable(oscPort); !r)
        return fail(r.error());
    if (const auto webPort = options_.webPort ? options_.webPort : probe->web.port; webPort && *webPort != 0) {
        if (*webPort == oscPort)
            return fail(Error {ErrorCode::Osc,
                fmt::format("the web surface and OSC both ask for port {}, and OSC listens on TCP there too: give the "
                            "web surface another port (--web-port or the session key web.port)",
                    oscPort)});
        if (!control::Socket::tcpListener(*webPort))
            return fail(Error {ErrorCode::Osc,
                fmt::format("cannot listen for the web surface on TCP port {}: is another program using it? Choose "
                            "another with --web-port or the session key web.port",
                    *webPort)});
    }
    workersSaid_ = probe->workers.value_or(0);
    jack_.setWorkers(options_.workers.value_or(workersSaid_));
    bool stopped = false;
    if (auto r = openJack(stopped); !r)
        return fail(r.error());
    if (stopped)
        return ExitCode::Ok;
    const auto resumed = liveStateToResume();
    if (auto r = host_.startLive(resumed ? resumed->values : engine::CarriedValues {}); !r)
        return fail(r.error());
    if (resumed)
        resume(*resumed);
    else
        saver_.markClean(); // the session plays as its file says
    // Before the surfaces: /midi/… over OSC finds the mappings from the first message on.
    control_.setMidi(&midi_.port());
    saver_.setMidiMap([this] { return midi_.toSave(); }, [this](const std::vector<midi::MidiMapping>& saved) { midi_.markSaved(saved); });
    midi_.adopt(host_.midiSpec());
    if (auto r = startOsc(); !r)
        return fail(r.error());
    if (auto r = startWeb(); !r)
        return fail(r.error());
    saver_.startAutosave();
    const auto summary = host_.summary();
    spdlog::info("ready: session '{}' with {} track(s) on JACK client '{}'; OSC on UDP port {} (try: oscsend localhost {} "
                 "/ping){}",
        summary.name, summary.tracks, jack_.backend()->clientName(), osc_->port(), osc_->port(),
        web_ ? fmt::format("; web surface on TCP port {} (open http://<this host>:{}/)", web_->port(), web_->port())
             : std::string());
    notifier_.ready(serviceStatus(false));
    if (nsm_) {
        nsm_->opened({});
        nsmTold_ = true;
    }
    if (const char* stall = std::getenv("BACKLINE_TEST_STALL_AUDIO"))
        stallAudioAt_ = std::chrono::steady_clock::now()
            + std::chrono::milliseconds(std::int64_t(std::atof(stall) * 1000.0));
    serveUntilSignal();
    if (startAgain_)
        return startAgain();
    notifier_.stopping();
    spdlog::info("stopping");
    keepLiveState(true);
    host_.fadeOutForStop();
    return ExitCode::Ok;
}

Result<void> Daemon::openJack(bool& stopped)
{
    auto opened = jack_.open();
    if (opened || !options_.waitJack || opened.error().code != ErrorCode::Jack)
        return opened;
    const double limit = *options_.waitJack;
    const std::string server = options_.jackServer.empty() ? "default" : options_.jackServer;
    spdlog::info("waiting for JACK server '{}' to start ({}; Ctrl-C to give up)", server,
        limit > 0 ? fmt::format("for up to {:g} s", limit) : std::string("for as long as it takes"));
    notifier_.status(fmt::format("waiting for JACK server '{}' to start", server));
    const auto started = std::chrono::steady_clock::now();
    while (true) {
        // A quarter of a second between tries: the session plays well within the 2 s of
        // the server coming up, and a try costs a failed connect to a socket.
        if (waitForSignal(std::chrono::milliseconds(250)) == SignalRequest::Stop) {
            stopped = true;
            return {};
        }
        notifier_.upkeep(std::nullopt); // no audio thread yet: the main thread's pass is the sign of life
        opened = jack_.open();
        if (opened || opened.error().code != ErrorCode::Jack)
            return opened;
        const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (limit > 0 && waited >= limit)
            return makeError(ErrorCode::Jack, fmt::format("{} (waited {:g} s for it)", opened.error().message, limit));
    }
}

std::string Daemon::serviceStatus(bool jackAway)
{
    std::optional<port::RecorderStatus> recorder;
    if (auto* recording = host_.recording())
        recorder = recording->status();
    std::string line = statusLine(control_.status(), arrangement_.status(), recorder);
    return jackAway ? "JACK server away, reconnecting · " + line : line;
}

void Daemon::tellServiceManager(bool jackAway)
{
    if (!notifier_.active())
        return;
    if (stallAudioAt_ && std::chrono::steady_clock::now() >= *stallAudioAt_) {
        spdlog::warn("BACKLINE_TEST_STALL_AUDIO: stopping the audio thread for good (a test of the watchdog)");
        jack_.stallAudioForTest();
        stallAudioAt_.reset();
    }
    // Away from JACK no audio thread is expected to run: the main thread's pass is the sign of
    // life, unless the last client's audio thread never left the engine (stuck for good).
    if (jackAway && !jack_.audioWedged())
        notifier_.upkeep(std::nullopt);
    else
        notifier_.upkeep(engine_.blocks());
    if (const auto now = std::chrono::steady_clock::now(); now - statusSent_ >= std::chrono::seconds(1)) {
        statusSent_ = now;
        notifier_.status(serviceStatus(jackAway));
    }
}

ExitCode Daemon::startAgain()
{
    spdlog::error("libjack did not finish closing the client of the server that went away, and holds its lock: this "
                  "process cannot reach JACK again. Starting backlined again in its place (the live state kept)");
    notifier_.status("starting again: libjack is stuck");
    keepLiveState(true);
    if (auto status = control_.recordStatus(); status && status->state != port::RecorderState::Idle)
        if (auto r = control_.recordStop(); !r)
            spdlog::error("the take could not be closed: {} (it is repaired when it is next opened)", r.error().message);
    // The ports go with the process; closing the surfaces first lets the next one bind them at
    // once. Nothing that calls into libjack may run now (RtMidi's JACK clients, the JACK
    // client): it would wait for the stuck lock forever.
    announcer_.reset();
    web_.reset();
    osc_.reset();
    saver_.stopAutosave();
    std::vector<std::string> args = options_.commandLine;
    if (std::find(args.begin(), args.end(), "--wait-jack") == args.end())
        args.emplace_back("--wait-jack");
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    // Every descriptor but the standard three closes at the exec: sockets, JACK's shared memory
    // and its server's socket, the take's files (closed above).
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/proc/self/fd", error)) {
        const int fd = std::atoi(entry.path().filename().c_str());
        if (fd > 2)
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    ::execv("/proc/self/exe", argv.data());
    spdlog::error("backlined could not start itself again ({}): exiting so that its service manager does",
        std::strerror(errno));
    return ExitCode::JackUnavailable;
}

std::optional<LiveState> Daemon::liveStateToResume()
{
    if (!options_.liveState)
        return std::nullopt;
    liveStateFile_ = liveStatePath(fs::absolute(options_.session));
    std::error_code error;
    if (!fs::exists(liveStateFile_, error))
        return std::nullopt;
    std::ifstream in(liveStateFile_);
    std::stringstream text;
    text << in.rdbuf();
    auto state = liveStateFromText(text.str(), liveStateFile_.string());
    if (!state) {
        spdlog::error("{}", state.error().message);
        return std::nullopt;
    }
    liveStateWritten_ = text.str();
    spdlog::info("coming back to the live state of the last run ({} values{}{}; {})", state->values.size(),
        state->scene.empty() ? "" : fmt::format(", scene '{}'", state->scene),
        state->song.empty() ? "" : fmt::format(", song '{}' section '{}'", state->song, state->section),
        liveStateFile_.string());
    return std::move(*state);
}

void Daemon::resume(const LiveState& state)
{
    // The values came back with the graph (under the reload rule); the rest is asked of the
    // parts as a surface would, each refusal logged and the show going on.
    if (!state.scene.empty() && !scenes_.resumeCurrent(state.scene, state.sceneDirty))
        spdlog::warn("the live state's scene '{}' is not one of the session's any more", state.scene);
    if (state.bpm > 0)
        if (auto r = transport_.setTempo(state.bpm); !r)
            spdlog::warn("the live state's tempo: {}", r.error().message);
    if (state.meterNum > 0)
        if (auto r = transport_.setMeter(state.meterNum, state.meterDen); !r)
            spdlog::warn("the live state's meter: {}", r.error().message);
    if (!state.song.empty()) {
        if (auto r = arrangement_.cueSong(state.song, port::JumpWhen::Now); !r)
            spdlog::warn("the live state's song: {}", r.error().message);
        else if (!state.section.empty())
            if (auto s = arrangement_.gotoSection(state.section, port::JumpWhen::Now); !s)
                spdlog::warn("the live state's section: {}", s.error().message);
    }
    if (state.rolling)
        if (auto r = transport_.play(); !r)
            spdlog::warn("the live state's transport: {}", r.error().message);
}

void Daemon::keepLiveState(bool now)
{
    if (liveStateFile_.empty())
        return;
    const auto at = std::chrono::steady_clock::now();
    if (!now && at - liveStateLooked_ < std::chrono::seconds(1))
        return;
    liveStateLooked_ = at;
    LiveState state;
    state.values = params_.carried();
    const auto scene = scenes_.current();
    state.scene = scene.name;
    state.sceneDirty = scene.dirty;
    const auto position = transport_.position();
    state.bpm = position.targetBpm;
    state.meterNum = position.meterNum;
    state.meterDen = position.meterDen;
    state.rolling = position.state == port::TransportState::Rolling;
    const auto songs = arrangement_.status();
    state.song = songs.song;
    state.section = songs.section;
    std::string text = toText(state, options_.session.string());
    if (text == liveStateWritten_)
        return;
    // Atomic: a power cut leaves the last state or this one, never half of one.
    if (auto r = writeFileAtomically(liveStateFile_, text); !r) {
        spdlog::error("the live state could not be kept: {}", r.error().message);
        return;
    }
    liveStateWritten_ = std::move(text);
}

Result<void> Daemon::startOsc()
{
    const auto osc = host_.oscSpec();
    control::OscServerOptions oscOptions;
    oscOptions.port = options_.oscPort.value_or(osc.port);
    const control::OscLimits limits = oscLimitsFor(osc);
    oscOptions.clientRate = oscOptions.clientBurst = limits.clientRate;
    oscOptions.replyRate = limits.replyRate;
    oscOptions.tcpIdleTimeout = limits.tcpIdleTimeout;
    oscOptions.access = oscAccessFor(osc);
    pin_ = std::make_shared<control::PinGate>(host_.webSpec().pin);
    oscOptions.pin = pin_;
    oscOptions.requirePin = osc.requirePin;
    auto server = control::OscServer::start(std::move(oscOptions), control_);
    if (!server)
        return server.error();
    osc_ = std::move(server.value());
    return {};
}

Result<void> Daemon::startWeb()
{
    const auto web = host_.webSpec();
    webPort_ = options_.webPort ? options_.webPort : web.port;
    if (!webPort_)
        return {};
    control::WebServerOptions webOptions;
    webOptions.port = *webPort_;
    webOptions.root = options_.webRoot;
    webOptions.access = oscAccessFor(host_.oscSpec());
    webOptions.pin = pin_;
    auto server = control::WebServer::start(std::move(webOptions), *osc_);
    if (!server)
        return server.error();
    web_ = std::move(server.value());
    // OSCQuery on the same port: the namespace over HTTP, LISTEN over its WebSockets.
    web_->setHook(control::oscquery::OscQueryHook(params_,
        [this, oscPort = osc_->port(), webPort = web_->port()] {
            return control::oscquery::HostInfo {"backline: " + host_.summary().name, oscPort, webPort, true};
        }));
    if (web.announce) {
        // Behind a PIN the namespace is too (an OSCQuery client cannot give one): it is not
        // announced where nobody who finds it could read it.
        std::vector<control::oscquery::Service> services {{"_osc._udp", osc_->port()}};
        if (web.pin.empty())
            services.insert(services.begin(), {"_oscjson._tcp", web_->port()});
        else
            spdlog::info("mDNS: OSCQuery is not announced: the web surface asks for its PIN, which OSCQuery clients "
                         "cannot give");
        announcer_ = std::make_unique<control::oscquery::ServiceAnnouncer>("backline " + host_.summary().name,
            std::move(services));
    }
    return {};
}

void Daemon::applyReloadedSurfaces()
{
    if (!osc_)
        return;
    midi_.adopt(host_.midiSpec());
    const auto osc = host_.oscSpec();
    const auto web = host_.webSpec();
    const auto access = oscAccessFor(osc);
    osc_->setAccess(access);
    osc_->setLimits(oscLimitsFor(osc));
    if (pin_)
        pin_->setPin(web.pin); // a changed PIN also voids the browsers' PIN cookies
    osc_->setRequirePin(osc.requirePin);
    if (web_)
        web_->setAccess(access);
    // The ports stay as they were: the surfaces on them would drop every client.
    if (!options_.webPort && web.port != webPort_)
        spdlog::warn("the session's web.port changed ({} → {}): restart backlined to apply it (the PIN and the "
                     "allowed addresses apply now)",
            webPort_ ? std::to_string(*webPort_) : "off", web.port ? std::to_string(*web.port) : "off");
    if (const int workers = host_.sessionWorkers(); !options_.workers && workers != workersSaid_)
        spdlog::warn("the session's workers changed ({} → {}): restart backlined to apply it", workersSaid_ ? std::to_string(workersSaid_) : "not said",
            workers ? std::to_string(workers) : "not said");
}

void Daemon::serviceShow()
{
    if (const std::uint64_t revision = scenes_.revision(); revision != sceneRevision_) {
        sceneRevision_ = revision;
        if (auto r = arrangement_.refresh(); !r)
            spdlog::error("the songs' scene recalls could not follow the scenes: {}", r.error().message);
    }
    arrangement_.poll([this](const engine::SectionNews& news) { host_.sectionStarted(news); });
    for (const engine::Landing& landing : engine_.takeLandings())
        if (auto scene = scenes_.landed(landing.tag))
            host_.sceneLanded(*scene, landing.frame);
}

void Daemon::serveUntilSignal()
{
    bool stopping = false;
    while (!stopping) {
        switch (waitForSignal(std::chrono::milliseconds(50))) {
        case SignalRequest::Stop:
            stopping = true;
            break;
        case SignalRequest::Reload:
            if (auto r = control_.reloadSession(); !r)
                spdlog::error("reload failed, still running the previous session: {}", r.error().message);
            break;
        case SignalRequest::None:
            break;
        }
        engine_.collectGarbage();
        tellServiceManager(false);
        serviceShow();
        host_.releaseFreedMemory();
        host_.serviceRecording();
        host_.serviceConnections();
        keepLiveState();
        if (nsm_)
            nsm_->upkeep([this] { return control_.saveSession(""); }, saver_.unsaved());
        host_.reportDspFaults();
        if (!stopping && jack_.serverGone()) {
            auto waitForStop = [] {
                switch (waitForSignal(std::chrono::milliseconds(50))) {
                case SignalRequest::Stop:
                    return true;
                case SignalRequest::Reload:
                    spdlog::info("not reloading now: the session file is read again when JACK is back");
                    break;
                case SignalRequest::None:
                    break;
                }
                return false;
            };
            stopping = !host_.rejoinJack(waitForStop, [this] {
                engine_.collectGarbage();
                tellServiceManager(true);
            });
            startAgain_ = stopping && jack_.libraryStuck();
        }
    }
}

} // namespace backline::app
