// SPDX-License-Identifier: GPL-3.0-or-later
// The scene book: storing, recalling, undoing and editing scenes, and the current scene
// (see SceneBook.h for the threads and the two locks).
#include "show/SceneBook.h"

#include "core/ClosestMatch.h"
#include "core/Config.h"
#include "show/SceneScope.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace backline::show {

namespace {

Error sceneError(std::string message) { return makeError(ErrorCode::Param, std::move(message)); }

/// The globs of a scope as written, each made an address glob; an error for a bad one.
Result<std::vector<std::string>> parseScope(std::span<const std::string> scope)
{
    std::vector<std::string> globs;
    for (const auto& text : scope) {
        auto glob = parseGlob(text);
        if (!glob)
            return glob.error();
        globs.push_back(std::move(*glob));
    }
    return globs;
}

} // namespace

SceneBook::SceneBook(port::ParamPort& params, port::TransportPort& transport, EngineTime time)
    : params_(params)
    , transport_(transport)
    , time_(std::move(time))
{
}

void SceneBook::adopt(const session::SessionSpec& spec)
{
    std::lock_guard lock(mutex_);
    scenes_.clear();
    for (const auto& s : spec.scenes) {
        Scene scene {s.name, {}};
        for (const auto& v : s.values)
            scene.values.emplace_back(v.address, v.value);
        scenes_.push_back(std::move(scene));
    }
    safe_.clear();
    for (const auto& s : spec.safe)
        if (auto glob = parseGlob(s.glob))
            safe_.set(std::move(*glob), true);
    defaultFade_ = spec.sceneRecall.fadeSeconds;
    defaultWhen_ = spec.sceneRecall.when;
    undo_.reset();
    const Scene* kept = find(current().name);
    bool dirty = false;
    if (kept)
        for (const auto& [address, value] : unsafe(kept->values)) {
            const auto live = params_.get(address);
            dirty = dirty || !live || live->value != float(value);
        }
    makeCurrent(kept ? kept->name : std::string(), dirty);
    revision_.fetch_add(1, std::memory_order_relaxed);
}

void SceneBook::recalledBySection(std::string_view name)
{
    std::lock_guard lock(mutex_);
    if (find(name))
        makeCurrent(std::string(name), false);
}

Scene* SceneBook::find(std::string_view name)
{
    const auto it = std::find_if(scenes_.begin(), scenes_.end(), [&](const Scene& s) { return s.name == name; });
    return it == scenes_.end() ? nullptr : &*it;
}

const Scene* SceneBook::find(std::string_view name) const { return const_cast<SceneBook*>(this)->find(name); }

Error SceneBook::unknownScene(std::string_view name) const
{
    std::vector<std::string_view> names;
    for (const auto& s : scenes_)
        names.emplace_back(s.name);
    const auto near = closestMatch(name, names);
    return sceneError(near ? fmt::format("unknown scene '{}' (did you mean '{}'?)", name, *near)
                           : fmt::format("unknown scene '{}' ({} stored: see /scene/list)", name, scenes_.size()));
}

std::vector<port::ParamChange> SceneBook::unsafe(const std::vector<port::ParamChange>& values) const
{
    std::vector<port::ParamChange> out;
    out.reserve(values.size());
    for (const auto& change : values)
        if (!safe_.covers(change.first))
            out.push_back(change);
    return out;
}

Result<std::vector<port::ParamChange>> SceneBook::liveValues(const std::vector<port::ParamChange>& changes) const
{
    // One read of every parameter rather than one lookup each: a scene may hold thousands.
    std::unordered_map<std::string, float> live;
    for (const auto& p : params_.all())
        live.emplace(p.info.address, p.value);
    std::vector<port::ParamChange> out;
    out.reserve(changes.size());
    for (const auto& [address, value] : changes) {
        const auto it = live.find(address);
        if (it == live.end())
            return params_.get(address).error(); // the port's own words, with its suggestion
        out.emplace_back(address, it->second);
    }
    return out;
}

Result<void> SceneBook::apply(const std::vector<port::ParamChange>& changes, double fadeSeconds, port::RecallWhen when,
    std::uint64_t atFrame, std::uint64_t tag)
{
    applying_.store(std::this_thread::get_id());
    auto r = when.boundary
        ? params_.morphOnLine(changes, fadeSeconds, *when.boundary, atFrame, dueNs(when, atFrame), tag)
        : params_.morph(changes, fadeSeconds, atFrame, dueNs(when, atFrame), tag);
    applying_.store(std::thread::id {});
    return r;
}

std::int64_t SceneBook::dueNs(port::RecallWhen when, std::uint64_t atFrame) const
{
    if (!time_.clock)
        return 0;
    std::uint64_t frame = atFrame;
    if (when.boundary) {
        // The block the changes reach starts at about the snapshot's next block: the line from there.
        const port::TransportPosition p = transport_.position();
        if (p.state == port::TransportState::Rolling)
            frame = transport_.nextBoundary(*when.boundary, std::max(atFrame, p.engineFrame)).value_or(atFrame);
    }
    const port::EngineClock c = time_.clock();
    if (frame == 0 || c.monotonicNs == 0 || c.sampleRate <= 0 || frame <= c.frame)
        return 0; // now
    return c.monotonicNs + std::int64_t(double(frame - c.frame) * 1e9 / c.sampleRate);
}

std::optional<std::string> SceneBook::landed(std::uint64_t tag)
{
    std::lock_guard lock(tagsMutex_);
    const auto it = std::find_if(recalling_.begin(), recalling_.end(), [&](const auto& t) { return t.first == tag; });
    if (it == recalling_.end())
        return std::nullopt;
    std::string name = std::move(it->second);
    recalling_.erase(it);
    return name;
}

bool SceneBook::resumeCurrent(const std::string& name, bool dirty)
{
    {
        std::lock_guard lock(mutex_);
        if (!find(name))
            return false;
    }
    makeCurrent(name, dirty);
    return true;
}

void SceneBook::makeCurrent(const std::string& name, bool dirty)
{
    {
        std::lock_guard lock(currentMutex_);
        current_.name = name;
        current_.dirty = dirty;
        ++current_.changes;
    }
    rescope();
}

void SceneBook::rescope()
{
    std::unordered_set<std::string> scope;
    const std::string name = current().name;
    if (const Scene* scene = find(name))
        for (const auto& change : unsafe(scene->values))
            scope.insert(change.first);
    std::lock_guard lock(currentMutex_);
    currentScope_ = std::move(scope);
}

Result<std::size_t> SceneBook::store(std::string_view name, std::span<const std::string> scopeText)
{
    if (auto problem = port::sceneNameProblem(name); !problem.empty())
        return sceneError(problem);
    auto globs = parseScope(scopeText);
    if (!globs)
        return globs.error();
    std::lock_guard lock(mutex_);
    const auto all = params_.all();
    for (const auto& glob : *globs)
        if (std::none_of(all.begin(), all.end(), [&](const auto& p) { return globMatches(glob, p.info.address); }))
            return sceneError(fmt::format("the scope '{}' matches no parameter (see /state)", glob));
    const SceneScope scope(std::move(*globs));
    Scene scene {std::string(name), {}};
    for (const auto& p : all)
        if (p.info.kind != port::ParamKind::Trigger && scope.contains(p.info.address))
            scene.values.emplace_back(p.info.address, p.value);
    const std::size_t count = scene.values.size();
    if (Scene* existing = find(name))
        *existing = std::move(scene);
    else
        scenes_.push_back(std::move(scene));
    makeCurrent(std::string(name), false);
    revision_.fetch_add(1, std::memory_order_relaxed);
    return count;
}

Result<void> SceneBook::recall(std::string_view name, port::RecallOptions options)
{
    std::lock_guard lock(mutex_);
    const Scene* scene = find(name);
    if (!scene)
        return unknownScene(name);
    const double fade = options.fadeSeconds.value_or(defaultFade_);
    if (auto problem = port::fadeProblem(fade); !problem.empty())
        return sceneError(std::move(problem));
    const auto changes = unsafe(scene->values);
    auto before = liveValues(changes);
    if (!before)
        return before.error();
    std::uint64_t tag = 0;
    {
        // Remembered before the engine can report it; the oldest go when nobody takes them.
        std::lock_guard tags(tagsMutex_);
        tag = ++lastTag_;
        if (recalling_.size() == config::maxLandingsKept)
            recalling_.pop_front();
        recalling_.emplace_back(tag, scene->name);
    }
    if (auto r = apply(changes, fade, options.when.value_or(defaultWhen_), options.atFrame, tag); !r)
        return r;
    const port::SceneCurrent was = current();
    undo_ = SceneUndo {std::move(*before), fade, was.name, was.dirty};
    makeCurrent(scene->name, false);
    return {};
}

Result<void> SceneBook::undo()
{
    std::lock_guard lock(mutex_);
    if (!undo_)
        return sceneError("nothing to undo: no scene was recalled since the session was loaded");
    const auto changes = unsafe(undo_->values);
    auto before = liveValues(changes);
    if (!before)
        return before.error();
    if (auto r = apply(changes, undo_->fadeSeconds, {}, 0); !r)
        return r;
    // What the undo replaced becomes the undo's undo: a second undo redoes.
    const port::SceneCurrent was = current();
    SceneUndo redo {std::move(*before), undo_->fadeSeconds, was.name, was.dirty};
    makeCurrent(find(undo_->current) ? undo_->current : std::string(), undo_->dirty);
    undo_ = std::move(redo);
    return {};
}

std::vector<std::string> SceneBook::list() const
{
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& s : scenes_)
        names.push_back(s.name);
    return names;
}

Result<std::vector<port::ParamChange>> SceneBook::get(std::string_view name) const
{
    std::lock_guard lock(mutex_);
    const Scene* scene = find(name);
    if (!scene)
        return unknownScene(name);
    return scene->values;
}

Result<std::vector<port::ParamChange>> SceneBook::recallValues(std::string_view name) const
{
    std::lock_guard lock(mutex_);
    const Scene* scene = find(name);
    if (!scene)
        return unknownScene(name);
    return unsafe(scene->values);
}

Result<void> SceneBook::remove(std::string_view name)
{
    std::lock_guard lock(mutex_);
    if (!find(name))
        return unknownScene(name);
    std::erase_if(scenes_, [&](const Scene& s) { return s.name == name; });
    if (current().name == name)
        makeCurrent({}, false);
    revision_.fetch_add(1, std::memory_order_relaxed);
    return {};
}

Result<void> SceneBook::rename(std::string_view from, std::string_view to)
{
    if (auto problem = port::sceneNameProblem(to); !problem.empty())
        return sceneError(problem);
    std::lock_guard lock(mutex_);
    Scene* scene = find(from);
    if (!scene)
        return unknownScene(from);
    if (from == to)
        return {};
    if (find(to))
        return sceneError(fmt::format("there is already a scene named '{}' (delete it first)", to));
    scene->name = std::string(to);
    if (undo_ && undo_->current == from)
        undo_->current = scene->name;
    const port::SceneCurrent now = current();
    if (now.name == from)
        makeCurrent(scene->name, now.dirty);
    revision_.fetch_add(1, std::memory_order_relaxed);
    return {};
}

port::SceneCurrent SceneBook::current() const
{
    std::lock_guard lock(currentMutex_);
    return current_;
}

Result<float> SceneBook::edit(std::string_view name, std::string_view address, double value)
{
    std::lock_guard lock(mutex_);
    Scene* scene = find(name);
    if (!scene)
        return unknownScene(name);
    auto param = params_.get(address);
    if (!param)
        return param.error();
    if (param->info.kind == port::ParamKind::Trigger)
        return sceneError(fmt::format("{} is a trigger: a scene holds values, not presses", address));
    auto checked = port::checkValue(param->info, address, value);
    if (!checked)
        return checked.error();
    auto& values = scene->values;
    const auto it = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == address; });
    if (it != values.end())
        it->second = *checked;
    else
        values.emplace_back(std::string(address), *checked);
    rescope();
    revision_.fetch_add(1, std::memory_order_relaxed);
    return *checked;
}

Result<void> SceneBook::setSafe(std::string_view text, bool on)
{
    auto glob = parseGlob(text);
    if (!glob)
        return glob.error();
    std::lock_guard lock(mutex_);
    const auto all = params_.all();
    if (std::none_of(all.begin(), all.end(), [&](const auto& p) { return globMatches(*glob, p.info.address); }))
        return sceneError(fmt::format("'{}' matches no parameter (see /state)", *glob));
    safe_.set(std::move(*glob), on);
    rescope();
    revision_.fetch_add(1, std::memory_order_relaxed);
    return {};
}

std::vector<std::pair<std::string, bool>> SceneBook::safe() const
{
    std::lock_guard lock(mutex_);
    return safe_.entries();
}

void SceneBook::paramChanged(const std::string& address, float, std::int64_t)
{
    if (applying_.load() == std::this_thread::get_id())
        return;
    std::lock_guard lock(currentMutex_);
    if (!current_.dirty && currentScope_.contains(address)) {
        current_.dirty = true;
        ++current_.changes;
    }
}

} // namespace backline::show
