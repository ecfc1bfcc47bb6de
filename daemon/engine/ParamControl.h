// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "engine/Engine.h"
#include "engine/GraphBuilder.h"
#include "engine/ParamTable.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

namespace backline::engine {

/// A parameter's description with its current value, as surfaces see it.
struct ParamState {
    ParamInfo info;
    float value = 0.0f;
};

/// Told of every applied change, on the thread that made it (after the change is queued).
class ParamListener {
public:
    virtual ~ParamListener() = default;
    /// A parameter took a new value.
    virtual void paramChanged(const std::string& address, float value) = 0;
    /// A new graph was installed: every parameter may have changed.
    virtual void paramsReset() = 0;
};

/// The control side's view of the running graph's parameters: resolves addresses, validates
/// values, remembers what was set and sends changes to the engine. Safe to call from any
/// control thread (OSC, main); never from the audio thread.
class ParamControl {
public:
    explicit ParamControl(Engine& engine)
        : engine_(engine)
    {
    }

    /// [control] Hands graph to the engine and switches to its table and values in one step, so
    /// no change is sent with a table that does not match the graph that will receive it. When
    /// graph was built with carriedAtBuild (what carried() said then), changes made to the old
    /// graph since (while graph was built: a JIT compile takes seconds) that graph would have
    /// carried too are sent after it, so none is lost.
    void install(std::unique_ptr<Graph> graph, std::unique_ptr<TapSet> taps = nullptr, Swap swap = Swap::Crossfade,
        const CarriedValues& carriedAtBuild = {});

    /// [control] What surfaces have set, to build the next graph with: every parameter but the
    /// triggers, with its current value and what the running session said for it (the reload
    /// rule: carried only where the next session says the same).
    CarriedValues carried() const;

    /// [control] The audio thread has stopped (its JACK server went away). Until the next
    /// install(), changes are checked, remembered and told to listeners as ever, but nothing is
    /// sent to the engine: the next graph is built with them (snapshot()) instead.
    void detach();

    /// [control] Tells listeners that every parameter may have changed (after install()).
    void notifyReset();

    /// [control] Validates and applies a new value; the error says why not (unknown address with
    /// a suggestion, NaN, out of range, wrong kind). Returns the value applied (snapped to step).
    Result<float> set(std::string_view address, double value);

    /// [control] Validates every change first and applies all or none, together in one block,
    /// at engine frame atFrame (0: at once). On failure the error names the first bad one.
    Result<void> setMany(std::span<const std::pair<std::string, double>> changes, std::uint64_t atFrame = 0);

    /// [control] Adds a listener (kept until removed; must outlive its registration).
    void addListener(ParamListener* listener);
    /// [control] Removes a listener added before.
    void removeListener(ParamListener* listener);

    /// [control] The current (target) value of address.
    Result<ParamState> get(std::string_view address) const;

    /// [control] Every parameter with its value, in table order.
    std::vector<ParamState> snapshot() const;

    /// [control] Generation of the graph the values refer to.
    std::uint64_t generation() const;

private:
    Result<ParamId> resolve(std::string_view address) const;
    Result<float> validate(ParamId id, std::string_view address, double value) const;
    void notify(const std::vector<std::pair<std::string, float>>& changes);

    Engine& engine_;
    mutable std::mutex mutex_; // control threads only
    std::shared_ptr<const ParamTable> table_;
    std::vector<float> values_;
    std::vector<float> sessionValues_; // what the running graph's session says, by ParamId
    std::uint64_t generation_ = 0;
    bool detached_ = false;
    std::mutex listenersMutex_; // taken after mutex_ is released, never while holding it
    std::vector<ParamListener*> listeners_;
};

} // namespace backline::engine
