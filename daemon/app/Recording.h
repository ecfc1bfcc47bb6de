// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "engine/Graph.h"
#include "engine/Taps.h"
#include "record/Recorder.h"
#include "session/SessionSpec.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace backline::app {

/// The daemon's side of multitrack recording: which sources the session (or OSC) chose, the
/// recorder and its rings, and the taps that feed them. Thread-safe for control threads.
class Recording {
public:
    /// [control] Repairs unfinished takes in the record folder, then starts a recorder.
    static Result<std::unique_ptr<Recording>> create(const session::SessionSpec& spec, int sampleRate);
    ~Recording();

    /// [control] Takes a reloaded session's record settings and sources (between takes only;
    /// during a take the running ones stay).
    Result<void> adopt(const session::SessionSpec& spec, int sampleRate);

    /// [control] The taps graph needs for the chosen sources (new rings when the sources
    /// changed). A source change is refused during a take. Sources a graph lacks are errors.
    Result<std::vector<engine::Tap>> tapsFor(const engine::Graph& graph);
    /// [control] The engine frame at which the rings of the last tapsFor() began (if new).
    void tapsLive(std::uint64_t engineFrame);
    /// Whether the last tapsFor() made new rings whose origin is still to be told.
    bool awaitingOrigin() const;

    /// [control] Chooses what is recorded (ids as in a session's `record.sources`); between takes.
    Result<void> setSources(std::vector<std::string> ids, const engine::Graph& graph);
    /// [any] The chosen source ids, as written.
    std::vector<std::string> sources() const;

    Result<record::TakeInfo> start(std::string_view name, std::string sessionSnapshot);
    Result<void> stop();
    /// [any] A marker in the open take, at engineFrame (the engine's clock) or now.
    Result<void> marker(std::string_view name, std::optional<std::uint64_t> engineFrame = std::nullopt);
    record::RecorderStatus status() const;
    /// [control] JACK went away / came back: the take goes on in a new segment.
    void jackLost();
    void jackBack();
    /// [control] xruns counted since the last call.
    void noteXruns(std::uint64_t count);
    /// [control] Where recorder events go (called on the disk thread).
    void onEvent(std::function<void(const record::RecordEvent&)> handler);

private:
    explicit Recording(std::unique_ptr<record::Recorder> recorder, std::vector<std::string> sources);
    /// The concrete sources of graph for the chosen ids (wildcards expanded).
    Result<std::vector<std::pair<std::string, engine::TapPoint>>> resolve(
        const std::vector<std::string>& ids, const engine::Graph& graph) const;

    mutable std::mutex mutex_;
    std::unique_ptr<record::Recorder> recorder_;
    std::vector<std::string> chosen_;                   ///< as written (may hold wildcards)
    std::vector<std::string> preparedIds_;              ///< concrete ids the rings were made for
    std::vector<int> preparedChannels_;
    std::vector<record::CaptureSource> rings_;          ///< current rings
    std::vector<std::vector<record::CaptureSource>> retired_; ///< earlier rings the audio thread may still hold
    bool originPending_ = false;
    bool jackLost_ = false;
};

} // namespace backline::app
