// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "engine/Engine.h"
#include "engine/GraphBuilder.h"
#include "engine/ParamTable.h"
#include "port/Listeners.h"
#include "port/ParamPort.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

namespace backline::engine {

/// The control side's view of the running graph's parameters, and the parameter half of the
/// control port: resolves addresses, validates values, remembers what was set, sends changes
/// to the engine and tells the port's listeners. Safe to call from any control thread (OSC,
/// main, jobs); never from the audio thread.
class ParamControl final : public port::ParamPort {
public:
    ParamControl(Engine& engine, port::Listeners& listeners)
        : engine_(engine)
        , listeners_(listeners)
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

    /// [control] The session's file now says values (a save wrote them into it): the reload
    /// rule compares the next file with these. Addresses the graph does not have are ignored.
    void fileSays(std::span<const port::ParamChange> values);

    /// [control] The audio thread has stopped (its JACK server went away). Until the next
    /// install(), changes are checked, remembered and told to listeners as ever, but nothing is
    /// sent to the engine: the next graph is built with them (snapshot()) instead.
    void detach();

    /// [control] Tells listeners that every parameter may have changed (after install()).
    void notifyReset();

    // The port's calls (port::ParamPort says what each does). [control]
    Result<float> set(std::string_view address, double value) override;
    Result<void> check(std::span<const port::ParamChange> changes) const override;
    Result<void> setBatch(std::span<const port::ParamChange> changes, std::uint64_t atFrame = 0,
        std::int64_t dueNs = 0) override;
    Result<void> morph(std::span<const port::ParamChange> changes, double fadeSeconds, std::uint64_t atFrame = 0,
        std::int64_t dueNs = 0, std::uint64_t tag = 0) override;
    Result<void> morphOnLine(std::span<const port::ParamChange> changes, double fadeSeconds, transport::Boundary line,
        std::uint64_t notBefore = 0, std::int64_t dueNs = 0, std::uint64_t tag = 0) override;
    Result<port::ParamState> get(std::string_view address) const override;
    std::vector<port::ParamState> all() const override;

    /// [control] Generation of the graph the values refer to.
    std::uint64_t generation() const;

    /// [control] changes resolved and checked against the running graph (by set()'s rules),
    /// with fadeSeconds, as a batch for it that is not queued: the scenes a show plan carries
    /// for the arrangement to recall on the audio thread. Fails on the first bad change.
    Result<std::unique_ptr<ParamBatch>> prepare(std::span<const port::ParamChange> changes, double fadeSeconds) const;
    /// [control] The audio thread applied changes on its own (a section's scene, prepared for
    /// the graph of generation): remembers them as the values and tells listeners, as of dueNs.
    /// Ignored when another graph runs now.
    void applied(std::span<const port::ParamChange> changes, std::uint64_t generation, std::int64_t dueNs);

private:
    /// changes resolved and checked into batch, for the running graph (mutex_ held); changed
    /// gets each address with its checked value, for listeners.
    Result<void> resolveBatch(std::span<const port::ParamChange> changes, double fadeSeconds, ParamBatch& batch,
        std::vector<std::pair<std::string, float>>& changed) const;
    /// morph() and morphOnLine(): at atFrame, or on line when set.
    Result<void> queueMorph(std::span<const port::ParamChange> changes, double fadeSeconds, std::uint64_t atFrame,
        std::optional<transport::Boundary> line, std::int64_t dueNs, std::uint64_t tag);
    Result<ParamId> resolve(std::string_view address) const;
    /// address resolved and value checked by set()'s rules (snapped to the step).
    Result<ParamChange> validate(std::string_view address, double value) const;

    Engine& engine_;
    mutable std::mutex mutex_; // control threads only
    std::shared_ptr<const ParamTable> table_;
    std::vector<float> values_;
    std::vector<float> sessionValues_; // what the running graph's session says, by ParamId
    std::uint64_t generation_ = 0;
    int sampleRate_ = 48000; // the running graph's: turns a fade's seconds into frames
    bool detached_ = false;
    port::Listeners& listeners_; // told after mutex_ is released, never while holding it
};

} // namespace backline::engine
