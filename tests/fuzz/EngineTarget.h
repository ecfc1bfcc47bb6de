// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/ArrangementControl.h"
#include "engine/Engine.h"
#include "engine/ParamControl.h"
#include "engine/PlayControl.h"
#include "engine/TransportControl.h"
#include "faust/JitCompiler.h"
#include "port/ControlPort.h"
#include "port/Listeners.h"
#include "session/SessionSpec.h"
#include "show/SceneBook.h"
#include "tests/osc/NoRecorderPort.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace backline::fuzz {

/// The daemon's control port without JACK or sockets: a real Engine and ParamControl running a
/// session file offline, its audio thread being whoever calls renderBlock(). Reloads rebuild
/// the graph from the file (compiled DSP factories are kept, so a reload costs a graph build,
/// not a Faust compile). Safe to call from several threads (a live OscServer's OSC and job
/// threads) while one of them renders.
class EngineTarget final : public test::NoRecorderPort {
public:
    /// Loads session and installs its graph; throws std::runtime_error with the loader's or
    /// builder's message when it cannot.
    explicit EngineTarget(std::filesystem::path session, std::uint32_t blockFrames = 64);
    ~EngineTarget() override;

    port::ParamPort& params() override { return control_; }
    void addListener(port::ChangeListener* listener) override { listeners_.add(listener); }
    void removeListener(port::ChangeListener* listener) override { listeners_.remove(listener); }
    port::EngineClock clock() override { return {}; }
    port::TransportPort& transport() override { return transport_; }
    port::ScenePort& scenes() override { return scenes_; }
    port::ArrangementPort& arrangement() override { return arrangement_; }
    port::PlayPort& play() override { return play_; }
    port::MidiPort& midi() override { return midi_; }
    Result<std::string> reloadSession() override;
    /// Refused: a fuzzer must never write files (its /session/save inputs test the OSC side).
    Result<std::string> saveSession(std::string_view) override
    {
        return makeError(ErrorCode::Io, "saving is off in the fuzz target");
    }
    port::DaemonStatus status() override;
    port::MeterSnapshot meters() override { return {}; }
    void resetLoudness() override { }

    /// Applies the queued commands and renders one block (track inputs get a sine at -6 dBFS);
    /// false when an output sample is NaN or infinite.
    bool renderBlock();

    /// The engine's sample clock: frames rendered so far.
    std::uint64_t frame() const { return engine_.clock(); }

    /// Generation of the installed graph: changes with every reload.
    std::uint64_t generation() const { return control_.generation(); }

private:
    Result<void> load();

    std::filesystem::path session_;
    std::uint32_t blockFrames_;
    engine::Engine engine_;
    port::Listeners listeners_;
    engine::ParamControl control_;
    engine::TransportControl transport_ {engine_};
    engine::PlayControl play_ {engine_};
    port::NoMidi midi_;
    show::SceneBook scenes_ {control_, transport_};
    engine::ArrangementControl arrangement_ {
        engine_, control_, [this](std::string_view scene) { return scenes_.recallValues(scene); }};
    faust::JitCompiler jit_;
    std::map<std::string, std::shared_ptr<faust::DspFactory>> factories_;
    session::SessionSpec spec_;
    std::size_t numInputs_ = 0;
    std::vector<float> input_;
    std::vector<const float*> inputs_;
    std::vector<float> output_[2];
    std::mutex mutex_; // a reload against a render or a status read (a test double: it may lock)
};

} // namespace backline::fuzz
