// SPDX-License-Identifier: GPL-3.0-or-later
// MidiSurface: controllers in (the MIDI input thread), feedback out (the feedback thread),
// learn/map/unmap (control threads). One mutex, never held across a call into the port: the
// port calls back into paramChanged on the caller's thread.
#include "control/midi/MidiSurface.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <chrono>
#include <cmath>
#include <ctime>

namespace backline::control {

namespace {

// The mapping whose controller is making the change under way on this thread: its own move is
// not fed back to it, and its pickup stays engaged.
thread_local const MidiSurface* originSurface = nullptr;
thread_local std::size_t originIndex = 0;
constexpr std::size_t noOrigin = SIZE_MAX; // an action no mapping's echo rule applies to

struct Origin {
    Origin(const MidiSurface* surface, std::size_t index)
    {
        originSurface = surface;
        originIndex = index;
    }
    ~Origin() { originSurface = nullptr; }
    Origin(const Origin&) = delete;
    Origin& operator=(const Origin&) = delete;
};

std::int64_t monotonicNow()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Controllers that select NRPN and RPN numbers: a learn waits for the data entry that follows.
bool selectsNumber(int cc) { return cc == 98 || cc == 99 || cc == 100 || cc == 101; }

} // namespace

MidiSurface::MidiSurface(port::ControlPort& control, Send send, Notify notify, DeviceStatus devices)
    : control_(control)
    , send_(std::move(send))
    , notify_(std::move(notify))
    , devices_(std::move(devices))
{
    control_.addListener(this);
}

MidiSurface::~MidiSurface() { control_.removeListener(this); }

Result<BoundMapping> MidiSurface::bind(const midi::MidiMapping& mapping)
{
    if (auto problem = midi::sourceProblem(mapping.source); !problem.empty())
        return makeError(ErrorCode::Midi, fmt::format("MIDI {}: {}", midi::toString(mapping.source), problem));
    BoundMapping bound {mapping, {}};
    if (mapping.source.kind == midi::MidiSource::Kind::Program) {
        const auto scenes = control_.scenes().list();
        if (std::find(scenes.begin(), scenes.end(), mapping.scene) == scenes.end())
            return makeError(ErrorCode::Midi,
                fmt::format("MIDI {} recalls scene '{}', which the session does not have", midi::toString(mapping.source),
                    mapping.scene));
        return bound;
    }
    auto param = control_.params().get(mapping.address);
    if (!param)
        return makeError(ErrorCode::Midi, fmt::format("MIDI {}: {}", midi::toString(mapping.source), param.error().message));
    auto range = midi::resolveRange(mapping, port::midiTraits(param->info));
    if (!range)
        return range.error();
    bound.range = *range;
    return bound;
}

Result<void> MidiSurface::adopt(Settings settings)
{
    std::vector<Entry> entries;
    std::vector<BoundMapping> bound;
    for (const auto& mapping : settings.map) {
        auto b = bind(mapping);
        if (!b)
            return b.error();
        entries.push_back({mapping, port::MidiMapOrigin::Session});
        bound.push_back(std::move(*b));
    }
    std::vector<Entry> live;
    {
        std::lock_guard lock(mutex_);
        for (const auto& e : entries_)
            if (e.origin == port::MidiMapOrigin::Live)
                live.push_back(e);
    }
    for (const auto& e : live) {
        const bool inFile = std::any_of(entries.begin(), entries.end(),
            [&](const Entry& f) { return f.mapping.source == e.mapping.source; });
        if (inFile)
            continue;
        auto b = bind(e.mapping);
        if (!b) {
            spdlog::warn("midi: the live mapping of {} is let go: {}", midi::toString(e.mapping.source), b.error().message);
            continue;
        }
        entries.push_back(e);
        bound.push_back(std::move(*b));
    }
    // A DSP's own [midi:ctrl n], for a controller the session and the surfaces left free.
    for (const auto& param : control_.params().all()) {
        const int cc = param.info.midiCc;
        if (cc < 0)
            continue;
        const bool claimed = std::any_of(entries.begin(), entries.end(), [&](const Entry& e) {
            const auto& s = e.mapping.source;
            return (s.kind == midi::MidiSource::Kind::Cc && s.number == cc)
                || (s.kind == midi::MidiSource::Kind::Cc14 && (s.number == cc || s.number + 32 == cc));
        });
        if (claimed)
            continue;
        midi::MidiMapping mapping;
        mapping.source = {midi::MidiSource::Kind::Cc, cc, 0};
        mapping.address = param.info.address;
        // Faust's own reading of [midi:ctrl] on a checkbox: it follows the controller (a sustain
        // pedal holds while down), it does not latch.
        if (param.info.kind == port::ParamKind::Toggle)
            mapping.curve = midi::Curve::Momentary;
        auto b = bind(mapping);
        if (!b) {
            spdlog::warn("midi: {}'s [midi:ctrl {}] is not mapped: {}", param.info.address, cc, b.error().message);
            continue;
        }
        entries.push_back({mapping, port::MidiMapOrigin::Dsp});
        bound.push_back(std::move(*b));
    }
    {
        std::lock_guard lock(mutex_);
        entries_ = std::move(entries);
        programScenes_ = settings.programScenes;
        feedbackIntervalNs_ = std::int64_t(1e9 / std::max(settings.feedbackRate, 1.0));
        rebuildLocked(std::move(bound));
    }
    refreshValues();
    return {};
}

void MidiSurface::rebuildLocked(std::vector<BoundMapping> bound)
{
    // What feedback was doing for a control mapped before and after goes on (its gesture, its
    // rate, a value waiting to be sent).
    std::vector<Pending> pending(bound.size());
    for (std::size_t i = 0; i < bound.size(); ++i)
        for (std::size_t j = 0; j < bound_.size(); ++j)
            if (bound_[j].mapping.source == bound[i].mapping.source
                && bound_[j].mapping.address == bound[i].mapping.address)
                pending[i] = pending_[j];
    bound_ = std::move(bound);
    mapper_.setMappings(bound_);
    pending_ = std::move(pending);
}

void MidiSurface::putLocked(BoundMapping bound)
{
    // One control moves one thing: the new mapping takes its control from every mapping that
    // hears it (the same control on its channel or on all), a DSP's [midi:ctrl] included.
    const auto& source = bound.mapping.source;
    auto overlaps = [&](const midi::MidiSource& other) {
        return other.kind == source.kind && other.number == source.number
            && (other.channel == 0 || source.channel == 0 || other.channel == source.channel);
    };
    std::vector<Entry> entries;
    std::vector<BoundMapping> all;
    bool placed = false;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (!overlaps(entries_[i].mapping.source)) {
            entries.push_back(entries_[i]);
            all.push_back(bound_[i]);
        } else if (!placed) {
            entries.push_back({bound.mapping, port::MidiMapOrigin::Live});
            all.push_back(bound);
            placed = true;
        }
    }
    if (!placed) {
        entries.push_back({bound.mapping, port::MidiMapOrigin::Live});
        all.push_back(std::move(bound));
    }
    entries_ = std::move(entries);
    rebuildLocked(std::move(all));
}

void MidiSurface::refreshValues()
{
    std::vector<std::string> addresses;
    {
        std::lock_guard lock(mutex_);
        for (const auto& b : bound_)
            if (!b.mapping.address.empty())
                addresses.push_back(b.mapping.address);
    }
    std::unordered_map<std::string, double> values;
    for (const auto& address : addresses)
        if (auto state = control_.params().get(address))
            values[address] = state->value;
    std::lock_guard lock(mutex_);
    values_ = std::move(values);
    for (std::size_t i = 0; i < bound_.size(); ++i) {
        const auto found = values_.find(bound_[i].mapping.address);
        if (found == values_.end())
            continue;
        // Controllers show the values as they are now: motorised faders go where the session is.
        pending_[i].value = found->second;
        pending_[i].dueNs = 0;
        mapper_.releasePickup(i);
    }
}

std::vector<midi::MidiMapping> MidiSurface::toSave() const
{
    std::lock_guard lock(mutex_);
    std::vector<midi::MidiMapping> out;
    for (const auto& e : entries_)
        if (e.origin != port::MidiMapOrigin::Dsp)
            out.push_back(e.mapping);
    return out;
}

void MidiSurface::markSaved(const std::vector<midi::MidiMapping>& saved)
{
    std::lock_guard lock(mutex_);
    for (auto& e : entries_)
        if (e.origin == port::MidiMapOrigin::Live && std::find(saved.begin(), saved.end(), e.mapping) != saved.end())
            e.origin = port::MidiMapOrigin::Session;
}

std::optional<midi::MidiMapping> MidiSurface::learnedFrom(const midi::MidiMessage& message) const
{
    midi::MidiMapping mapping;
    mapping.source.channel = message.channel() + 1;
    if (message.isNoteOn()) {
        mapping.source.kind = midi::MidiSource::Kind::Note;
        mapping.source.number = message.note();
        return mapping;
    }
    if (message.type() != midi::kind::controlChange || selectsNumber(message.controller()))
        return std::nullopt;
    const int cc = message.controller();
    if ((cc == 6 || cc == 38) && mapper_.selectedNrpn(message.channel()) >= 0) {
        mapping.source.kind = midi::MidiSource::Kind::Nrpn;
        mapping.source.number = mapper_.selectedNrpn(message.channel());
        return mapping;
    }
    mapping.source.kind = midi::MidiSource::Kind::Cc;
    mapping.source.number = cc;
    return mapping;
}

void MidiSurface::receive(const midi::MidiMessage& message, std::int64_t /*monotonicNs*/)
{
    std::vector<MidiAction> actions;
    std::optional<midi::MidiMapping> learned;
    bool programScenes = false;
    {
        std::lock_guard lock(mutex_);
        const auto current = [this](const std::string& address) -> std::optional<double> {
            const auto found = values_.find(address);
            return found == values_.end() ? std::nullopt : std::optional<double>(found->second);
        };
        mapper_.handle(message, current, actions);
        if (learning_ && monotonicNow() > learning_->untilNs) {
            // A learn forgotten at soundcheck must not grab the first fader touched in the show.
            spdlog::info("midi: the learn of {} ran out: nothing moved within {} s", learning_->address,
                learnSeconds);
            learning_.reset();
        }
        if (learning_) {
            learned = learnedFrom(message);
            if (learned) {
                learned->address = learning_->address;
                auto range = midi::resolveRange(*learned, learning_->traits);
                learning_.reset();
                if (!range) {
                    spdlog::warn("midi: learn: {}", range.error().message);
                    return;
                }
                // The message that was learned moves nothing, but a held button's release still
                // lands (its parameter would stay held otherwise). The mapping indices change
                // with the new mapping: what is kept acts with no origin (fed back, as buttons are).
                std::erase_if(actions, [&](const MidiAction& a) {
                    return a.mapping >= mapper_.mappings().size()
                        || mapper_.mappings()[a.mapping].range.curve != midi::Curve::Momentary;
                });
                for (auto& a : actions)
                    a.mapping = noOrigin;
                putLocked({*learned, *range});
            }
        }
        const bool recalled = std::any_of(
            actions.begin(), actions.end(), [](const MidiAction& a) { return a.kind == MidiAction::Kind::Recall; });
        programScenes = programScenes_ && !recalled && message.type() == midi::kind::programChange;
    }
    if (learned) {
        spdlog::info("midi: learned {} → {}", midi::toString(learned->source), learned->address);
        notify_({"/midi/learned", {midi::toString(learned->source), learned->address}});
    }
    for (const auto& action : actions) {
        if (action.kind == MidiAction::Kind::Recall) {
            if (auto r = control_.scenes().recall(action.target); !r)
                spdlog::warn("midi: program {} cannot recall scene '{}': {}", message.program(), action.target,
                    r.error().message);
            continue;
        }
        const Origin origin(this, action.mapping);
        if (auto r = control_.params().set(action.target, action.value); !r)
            spdlog::warn("midi: {}", r.error().message);
    }
    if (programScenes) {
        const auto scenes = control_.scenes().list();
        if (message.program() < scenes.size()) {
            if (auto r = control_.scenes().recall(scenes[message.program()]); !r)
                spdlog::warn("midi: program {} cannot recall scene '{}': {}", message.program(),
                    scenes[message.program()], r.error().message);
        } else {
            spdlog::info("midi: program {} has no scene (the session has {})", message.program(), scenes.size());
        }
    }
    if (learned)
        refreshValues(); // the learned parameter's value, for its pickup and feedback
}

void MidiSurface::paramChanged(const std::string& address, float value, std::int64_t dueNs)
{
    std::lock_guard lock(mutex_);
    const auto found = values_.find(address);
    if (found == values_.end())
        return; // not mapped
    found->second = value;
    const bool fromHere = originSurface == this;
    const std::int64_t now = fromHere ? monotonicNow() : 0;
    for (std::size_t i = 0; i < bound_.size(); ++i) {
        if (bound_[i].mapping.address != address)
            continue;
        if (fromHere && originIndex == i && mapper_.continuousAt(i)) {
            // The knob is where the finger put it: not echoed, and what waits for the gesture's
            // end is this value now, not an older one from elsewhere.
            pending_[i].lastMoveNs = now;
            if (pending_[i].value)
                pending_[i].value = value;
            continue;
        }
        // A button's own press is fed back: the daemon chose the value (a toggle flipped), and
        // its LED shows it.
        mapper_.releasePickup(i);
        pending_[i].value = value;
        pending_[i].dueNs = dueNs;
    }
}

void MidiSurface::paramsReset() { refresh_.store(true, std::memory_order_relaxed); }

void MidiSurface::flush(std::int64_t nowNs)
{
    if (refresh_.exchange(false, std::memory_order_relaxed))
        refreshValues();
    std::vector<midi::MidiMessage> out;
    {
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; i < pending_.size(); ++i) {
            Pending& p = pending_[i];
            if (!p.value || nowNs < p.dueNs || nowNs - p.lastMoveNs < gestureHoldNs
                || nowNs - p.lastSentNs < feedbackIntervalNs_)
                continue;
            mapper_.feedback(i, *p.value, out);
            p.lastSentNs = nowNs;
            p.value.reset();
        }
    }
    for (const auto& message : out)
        send_(message);
    feedbackSent_.fetch_add(out.size(), std::memory_order_relaxed);
}

Result<void> MidiSurface::learn(std::string_view address)
{
    auto param = control_.params().get(address);
    if (!param)
        return param.error();
    std::lock_guard lock(mutex_);
    learning_ = Learn {std::string(address), port::midiTraits(param->info), monotonicNow() + learnSeconds * 1'000'000'000LL};
    return {};
}

bool MidiSurface::cancelLearn()
{
    std::lock_guard lock(mutex_);
    const bool was = learning_.has_value();
    learning_.reset();
    return was;
}

Result<void> MidiSurface::map(const midi::MidiMapping& mapping)
{
    auto bound = bind(mapping);
    if (!bound)
        return bound.error();
    {
        std::lock_guard lock(mutex_);
        putLocked(std::move(*bound));
    }
    refreshValues();
    return {};
}

Result<std::size_t> MidiSurface::unmap(std::string_view sourceOrAddress)
{
    const auto source = midi::parseSource(sourceOrAddress);
    std::lock_guard lock(mutex_);
    std::vector<Entry> entries;
    std::vector<BoundMapping> bound;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const auto& m = entries_[i].mapping;
        const bool gone = source ? m.source == *source : m.address == sourceOrAddress;
        if (!gone) {
            entries.push_back(entries_[i]);
            bound.push_back(bound_[i]);
        }
    }
    const std::size_t removed = entries_.size() - entries.size();
    if (removed == 0)
        return makeError(ErrorCode::Midi,
            fmt::format("no MIDI mapping of '{}' (name a control as cc:7, cc:7@1, nrpn:1000, note:36 — or a parameter's "
                        "address)",
                sourceOrAddress));
    entries_ = std::move(entries);
    rebuildLocked(std::move(bound));
    return removed;
}

std::vector<port::MidiMapEntry> MidiSurface::mappings() const
{
    std::lock_guard lock(mutex_);
    std::vector<port::MidiMapEntry> out;
    for (const auto& e : entries_)
        out.push_back({e.mapping, e.origin});
    return out;
}

port::MidiStatus MidiSurface::status() const
{
    port::MidiStatus status = devices_ ? devices_() : port::MidiStatus {};
    status.feedbackSent = feedbackSent_.load(std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    if (learning_)
        status.learning = learning_->address;
    return status;
}

} // namespace backline::control
