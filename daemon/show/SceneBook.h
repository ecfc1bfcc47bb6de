// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/EngineClock.h"
#include "port/Listeners.h"
#include "port/ParamPort.h"
#include "port/ScenePort.h"
#include "port/TransportPort.h"
#include "session/SessionSpec.h"
#include "show/RecallSafe.h"
#include "show/Scene.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <deque>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace backline::show {

/// What the scene book reads of the engine's time: when a quantised recall will be heard.
struct EngineTime {
    /// The engine's sample clock.
    std::function<port::EngineClock()> clock;
};

/// The scene book: the session's scenes and those stored since, the recall safes, the current
/// scene, the undo, and the recall itself — one ParamPort::morph of every value but the safe
/// ones, at once or on the next beat or bar line (ParamPort::morphOnLine: the audio thread
/// finds the line, from the transport as it stands then). It talks to
/// the parameters and the transport through the control port only, and is itself the port's
/// ScenePort. It listens to parameter changes (register it with the port's listeners) to know
/// when the current scene becomes dirty.
///
/// Threads: any control thread (the surfaces'), never the audio thread. One lock (mutex_)
/// serialises requests and is held while the parameter port is called; the listener never
/// takes it (the port calls listeners with its own lock held), only currentMutex_, which
/// guards the current scene and is never held while calling out.
class SceneBook final : public port::ScenePort, public port::ChangeListener {
public:
    SceneBook(port::ParamPort& params, port::TransportPort& transport, EngineTime time = {});

    /// [control] Takes a session's scenes, safes and recall defaults (at a load or reload; the
    /// session's scenes and safes have passed checkScenes against the graph now playing). What
    /// was stored or made safe over a surface since the last load is dropped; the undo too.
    /// The current scene keeps its name if the session still has it, dirty if its values are
    /// not what plays.
    void adopt(const session::SessionSpec& spec);
    /// [control] After a restart: name (a scene the book has) is the current scene again, as it
    /// was when the live state was written; false when the book has no such scene.
    bool resumeCurrent(const std::string& name, bool dirty);

    // The port's requests (port::ScenePort says what each does).
    Result<std::size_t> store(std::string_view name, std::span<const std::string> scope) override;
    Result<void> recall(std::string_view name, port::RecallOptions options = {}) override;
    std::vector<std::string> list() const override;
    Result<std::vector<port::ParamChange>> get(std::string_view name) const override;
    /// [control] What a recall of scene name would set now: its values but the recall-safe
    /// ones (the arrangement's section recalls are built from these).
    Result<std::vector<port::ParamChange>> recallValues(std::string_view name) const;
    Result<void> remove(std::string_view name) override;
    Result<void> rename(std::string_view from, std::string_view to) override;
    Result<void> undo() override;
    port::SceneCurrent current() const override;
    Result<float> edit(std::string_view name, std::string_view address, double value) override;
    Result<void> setSafe(std::string_view glob, bool on) override;
    std::vector<std::pair<std::string, bool>> safe() const override;

    /// [any] Counts changes to what a recall of any scene would set (a store, an edit, a rename,
    /// a delete, a safe, a load): the arrangement rebuilds its section recalls when it moves.
    std::uint64_t revision() const noexcept { return revision_.load(std::memory_order_relaxed); }
    /// [control] The arrangement recalled scene name on the audio thread (a section started):
    /// it is the current scene, clean. The undo stays that of the book's own last recall.
    void recalledBySection(std::string_view name);
    /// [control] The scene whose recall the engine reported landed under tag (Engine::
    /// takeLandings), once; nullopt for a tag not this book's or already taken.
    std::optional<std::string> landed(std::uint64_t tag);

    // The listener (on the changing thread): a set of a parameter the current scene holds
    // makes it dirty, unless this book's own recall made it.
    void paramChanged(const std::string& address, float value, std::int64_t dueNs) override;
    void paramsReset() override { }
    void notice(const port::Notice&) override { }

private:
    Scene* find(std::string_view name);
    const Scene* find(std::string_view name) const;
    Error unknownScene(std::string_view name) const;
    /// Scene values but the safe ones.
    std::vector<port::ParamChange> unsafe(const std::vector<port::ParamChange>& values) const;
    /// The live values of the addresses of changes.
    Result<std::vector<port::ParamChange>> liveValues(const std::vector<port::ParamChange>& changes) const;
    /// One morph of changes from engine frame atFrame (0: the next block), on the line of when
    /// if it names one, which this book's listener does not count as a set.
    Result<void> apply(const std::vector<port::ParamChange>& changes, double fadeSeconds, port::RecallWhen when,
        std::uint64_t atFrame, std::uint64_t tag = 0);
    /// When (CLOCK_MONOTONIC ns) such a recall will probably be heard, for listeners; 0: now.
    std::int64_t dueNs(port::RecallWhen when, std::uint64_t atFrame) const;
    /// Makes name the current scene (clean unless dirty), its unsafe addresses the scope.
    void makeCurrent(const std::string& name, bool dirty);
    /// Recomputes the current scene's scope after its values or the safes changed.
    void rescope();

    port::ParamPort& params_;
    port::TransportPort& transport_;
    EngineTime time_;

    mutable std::mutex mutex_; // requests; held while calling the parameter port
    std::vector<Scene> scenes_;
    RecallSafe safe_;
    double defaultFade_ = 0.0;
    port::RecallWhen defaultWhen_;
    std::optional<SceneUndo> undo_;
    std::atomic<std::thread::id> applying_ {}; // the thread inside apply(), whose changes are the book's own
    std::atomic<std::uint64_t> revision_ {0}; // a count alone: nothing is published with it

    std::mutex tagsMutex_; // guards the two below
    std::uint64_t lastTag_ = 0;
    std::deque<std::pair<std::uint64_t, std::string>> recalling_; // tag → scene, the latest maxLandingsKept

    mutable std::mutex currentMutex_; // guards the three below; taken by the listener
    port::SceneCurrent current_;
    std::unordered_set<std::string> currentScope_; // the current scene's addresses but the safe ones
};

} // namespace backline::show
