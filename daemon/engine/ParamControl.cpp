// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/ParamControl.h"


#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace backline::engine {

void ParamControl::install(std::unique_ptr<Graph> graph, std::unique_ptr<TapSet> taps, Swap swap,
    const CarriedValues& carriedAtBuild)
{
    std::lock_guard lock(mutex_);
    // Under the lock no change can slip between this look at the old values and the switch.
    std::vector<ParamChange> meanwhile;
    for (const auto& atBuild : carriedAtBuild) {
        const auto old = table_ ? table_->find(atBuild.address) : std::nullopt;
        if (!old || values_[*old] == atBuild.value)
            continue;
        const CarriedValue now {atBuild.address, values_[*old], atBuild.sessionSaid};
        if (const auto id = carryTarget(*graph, now))
            meanwhile.push_back({*id, now.value});
    }
    table_ = graph->params;
    values_ = graph->initialValues;
    sessionValues_ = graph->sessionValues;
    generation_ = graph->generation;
    sampleRate_ = graph->sampleRate;
    detached_ = false;
    engine_.installGraph(std::move(graph), std::move(taps), swap);
    // Queued after the graph with its generation: the first block that runs it applies them.
    if (!meanwhile.empty() && engine_.setParams(generation_, meanwhile, 0))
        for (const auto& change : meanwhile)
            values_[change.param] = change.value;
}

CarriedValues ParamControl::carried() const
{
    std::lock_guard lock(mutex_);
    CarriedValues out;
    if (!table_)
        return out;
    out.reserve(table_->size());
    for (ParamId id = 0; id < table_->size(); ++id) {
        const auto& info = (*table_)[id];
        if (info.kind == port::ParamKind::Trigger)
            continue;
        out.push_back({info.address, values_[id],
            id < sessionValues_.size() ? std::optional<float>(sessionValues_[id]) : std::nullopt});
    }
    return out;
}

void ParamControl::fileSays(std::span<const port::ParamChange> values)
{
    std::lock_guard lock(mutex_);
    if (!table_)
        return;
    for (const auto& [address, value] : values)
        if (const auto id = table_->find(address); id && *id < sessionValues_.size())
            sessionValues_[*id] = float(value);
}

void ParamControl::detach()
{
    std::lock_guard lock(mutex_);
    detached_ = true;
}

void ParamControl::notifyReset()
{
    listeners_.reset();
}

Result<ParamId> ParamControl::resolve(std::string_view address) const
{
    if (!table_)
        return makeError(ErrorCode::Param, "no session is running");
    if (auto id = table_->find(address))
        return *id;
    const std::string suggestion = table_->closest(address);
    return makeError(ErrorCode::Param,
        suggestion.empty() ? fmt::format("unknown parameter '{}'", address)
                           : fmt::format("unknown parameter '{}' (did you mean '{}'?)", address, suggestion));
}

Result<ParamChange> ParamControl::validate(std::string_view address, double value) const
{
    auto id = resolve(address);
    if (!id)
        return id.error();
    auto checked = port::checkValue((*table_)[*id], address, value);
    if (!checked)
        return checked.error();
    return ParamChange {*id, *checked};
}

Result<float> ParamControl::set(std::string_view address, double value)
{
    std::vector<std::pair<std::string, float>> changed;
    float applied = 0.0f;
    {
        std::lock_guard lock(mutex_);
        auto checked = validate(address, value);
        if (!checked)
            return checked.error();
        applied = checked->value;
        if (!detached_ && !engine_.setParam(generation_, checked->param, applied))
            return makeError(ErrorCode::Engine,
                fmt::format("{}: the engine is not keeping up (command queue full); value not applied", address));
        values_[checked->param] = applied;
        changed.emplace_back(std::string(address), applied);
    }
    listeners_.changed(changed, 0);
    return applied;
}

Result<void> ParamControl::check(std::span<const port::ParamChange> changes) const
{
    std::lock_guard lock(mutex_);
    for (const auto& [address, value] : changes) {
        if (auto checked = validate(address, value); !checked)
            return checked.error();
    }
    return {};
}

Result<void> ParamControl::setBatch(std::span<const port::ParamChange> changes, std::uint64_t atFrame, std::int64_t dueNs)
{
    return queueMorph(changes, 0.0, atFrame, std::nullopt, dueNs, 0);
}

Result<void> ParamControl::resolveBatch(std::span<const port::ParamChange> changes, double fadeSeconds,
    ParamBatch& batch, std::vector<std::pair<std::string, float>>& changed) const
{
    if (auto problem = port::fadeProblem(fadeSeconds); !problem.empty())
        return makeError(ErrorCode::Param, std::move(problem));
    batch.generation = generation_;
    // A fade shorter than a frame still glides over one, rather than jumping.
    batch.fadeFrames
        = fadeSeconds > 0.0 ? std::max<std::uint32_t>(1, std::uint32_t(std::lround(fadeSeconds * sampleRate_))) : 0u;
    batch.changes.reserve(changes.size());
    for (const auto& [address, value] : changes) {
        auto checked = validate(address, value);
        if (!checked)
            return checked.error();
        batch.changes.push_back(*checked);
        changed.emplace_back(address, checked->value);
    }
    return {};
}

Result<void> ParamControl::morph(std::span<const port::ParamChange> changes, double fadeSeconds, std::uint64_t atFrame,
    std::int64_t dueNs, std::uint64_t tag)
{
    return queueMorph(changes, fadeSeconds, atFrame, std::nullopt, dueNs, tag);
}

Result<void> ParamControl::morphOnLine(std::span<const port::ParamChange> changes, double fadeSeconds,
    transport::Boundary line, std::uint64_t notBefore, std::int64_t dueNs, std::uint64_t tag)
{
    return queueMorph(changes, fadeSeconds, notBefore, line, dueNs, tag);
}

Result<void> ParamControl::queueMorph(std::span<const port::ParamChange> changes, double fadeSeconds,
    std::uint64_t atFrame, std::optional<transport::Boundary> line, std::int64_t dueNs, std::uint64_t tag)
{
    std::vector<std::pair<std::string, float>> changed;
    {
        std::lock_guard lock(mutex_);
        ParamBatch batch;
        if (auto resolved = resolveBatch(changes, fadeSeconds, batch, changed); !resolved)
            return resolved.error();
        if (!detached_ && !engine_.setParams(generation_, batch.changes, atFrame, batch.fadeFrames, line, tag))
            return makeError(ErrorCode::Engine, "the engine is not keeping up (command queue full); nothing applied");
        for (const auto& change : batch.changes)
            values_[change.param] = change.value;
    }
    listeners_.changed(changed, dueNs);
    return {};
}

Result<std::unique_ptr<ParamBatch>> ParamControl::prepare(std::span<const port::ParamChange> changes, double fadeSeconds) const
{
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, float>> changed;
    auto batch = std::make_unique<ParamBatch>();
    if (auto resolved = resolveBatch(changes, fadeSeconds, *batch, changed); !resolved)
        return resolved.error();
    return batch;
}

void ParamControl::applied(std::span<const port::ParamChange> changes, std::uint64_t generation, std::int64_t dueNs)
{
    std::vector<std::pair<std::string, float>> changed;
    {
        std::lock_guard lock(mutex_);
        if (generation != generation_)
            return; // a plan of a graph since replaced: its values were not this graph's
        for (const auto& [address, value] : changes) {
            auto id = resolve(address);
            if (!id)
                continue;
            values_[*id] = float(value);
            changed.emplace_back(address, float(value));
        }
    }
    listeners_.changed(changed, dueNs);
}

Result<port::ParamState> ParamControl::get(std::string_view address) const
{
    std::lock_guard lock(mutex_);
    auto id = resolve(address);
    if (!id)
        return id.error();
    return port::ParamState {(*table_)[*id], values_[*id]};
}

std::vector<port::ParamState> ParamControl::all() const
{
    std::lock_guard lock(mutex_);
    std::vector<port::ParamState> out;
    if (!table_)
        return out;
    out.reserve(table_->size());
    for (ParamId id = 0; id < table_->size(); ++id)
        out.push_back({(*table_)[id], values_[id]});
    return out;
}

std::uint64_t ParamControl::generation() const
{
    std::lock_guard lock(mutex_);
    return generation_;
}

} // namespace backline::engine
