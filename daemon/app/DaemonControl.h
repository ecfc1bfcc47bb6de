// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/JackSupervisor.h"
#include "app/SessionHost.h"
#include "app/SessionSaver.h"
#include "engine/ArrangementControl.h"
#include "engine/Engine.h"
#include "engine/ParamControl.h"
#include "engine/PlayControl.h"
#include "engine/TransportControl.h"
#include "port/ControlPort.h"
#include "port/Listeners.h"
#include "show/SceneBook.h"

#include <chrono>
#include <functional>

namespace backline::app {

/// The daemon's side of the control port: every surface reaches the parameters (the engine's
/// ParamControl, handed out as it is), the daemon's state and its slow requests through it.
class DaemonControl final : public port::ControlPort {
public:
    DaemonControl(engine::Engine& engine, engine::ParamControl& params, engine::TransportControl& transport,
        port::Listeners& listeners, JackSupervisor& jack, SessionHost& host, show::SceneBook& scenes,
        engine::ArrangementControl& arrangement, SessionSaver& saver, engine::PlayControl& play)
        : engine_(engine)
        , params_(params)
        , transport_(transport)
        , listeners_(listeners)
        , jack_(jack)
        , host_(host)
        , scenes_(scenes)
        , arrangement_(arrangement)
        , saver_(saver)
        , play_(play)
    {
    }

    /// [main] Called after every successful reload (a surface's settings may have changed).
    void onReloaded(std::function<void()> callback) { onReloaded_ = std::move(callback); }
    /// [main, before serving] Called as every reload begins and once it has ended, succeeded or
    /// not, on the thread that asked for it (the main thread, or a surface's).
    void onReloadSteps(std::function<void()> begins, std::function<void()> ended)
    {
        reloadBegins_ = std::move(begins);
        reloadEnded_ = std::move(ended);
    }
    /// [main, before serving] The MIDI surface surfaces reach through midi() (none: NoMidi's refusals).
    void setMidi(port::MidiPort* midi) { midi_ = midi ? midi : &noMidi_; }

    port::ParamPort& params() override { return params_; }
    void addListener(port::ChangeListener* listener) override { listeners_.add(listener); }
    void removeListener(port::ChangeListener* listener) override { listeners_.remove(listener); }
    port::EngineClock clock() override;
    port::TransportPort& transport() override { return transport_; }
    port::ScenePort& scenes() override { return scenes_; }
    port::ArrangementPort& arrangement() override { return arrangement_; }
    port::PlayPort& play() override { return play_; }
    port::MidiPort& midi() override { return *midi_; }
    port::DaemonStatus status() override;
    port::MeterSnapshot meters() override { return host_.meters(); }
    void resetLoudness() override { host_.resetLoudness(); }
    Result<std::string> reloadSession() override;
    std::vector<port::ConnectionState> connections() override { return host_.connections(); }
    Result<std::size_t> addConnection(const port::ConnectionRule& rule) override { return host_.addConnection(rule); }
    Result<void> removeConnection(const port::ConnectionRule& rule) override { return host_.removeConnection(rule); }
    Result<std::string> saveSession(std::string_view path) override { return saver_.save(path); }
    Result<std::string> recordStart(std::string_view name) override { return host_.recordStart(name); }
    Result<void> recordStop() override;
    Result<void> recordMarker(std::string_view name, std::optional<std::uint64_t> engineFrame = std::nullopt) override;
    Result<port::RecorderStatus> recordStatus() override;
    Result<void> setRecordSources(std::vector<std::string> ids) override { return host_.setRecordSources(std::move(ids)); }
    std::vector<std::string> recordSources() override;

private:
    engine::Engine& engine_;
    engine::ParamControl& params_;
    engine::TransportControl& transport_;
    port::Listeners& listeners_;
    JackSupervisor& jack_;
    SessionHost& host_;
    show::SceneBook& scenes_;
    engine::ArrangementControl& arrangement_;
    SessionSaver& saver_;
    engine::PlayControl& play_;
    std::function<void()> onReloaded_;
    std::function<void()> reloadBegins_;
    std::function<void()> reloadEnded_;
    port::NoMidi noMidi_;
    port::MidiPort* midi_ = &noMidi_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

} // namespace backline::app
