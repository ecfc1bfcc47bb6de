// SPDX-License-Identifier: GPL-3.0-or-later
// Session → Graph, off the audio thread (the main thread, or a test): every DSP resolved and
// instantiated, every buffer allocated, every parameter given an id (see GraphBuilder.h).
#include "engine/GraphBuilder.h"

#include "core/Config.h"
#include "core/Decibels.h"
#include "engine/NodeWiring.h"
#include "engine/ParamCurve.h"
#include "engine/rt/Audibility.h"

#include <atomic>
#include <cmath>
#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <tuple>

namespace backline::engine {

namespace {

std::atomic<std::uint64_t> nextGeneration {1};

/// Glide time of the engine's own switches (mute, solo, routing, sends).
constexpr double switchSeconds = 0.010;

std::string paramNames(const faust::DspInstance& dsp)
{
    std::string names;
    for (const auto& p : dsp.params())
        names += (names.empty() ? "" : ", ") + p.path;
    return names.empty() ? "none" : names;
}

/// Builds a graph step by step; each step may fail with a message pointing into the session.
class Builder {
public:
    Builder(const session::SessionSpec& spec, int sampleRate, std::uint32_t maxFrames, const DspResolver& resolve,
        const CarriedValues& carried)
        : spec_(spec)
        , resolve_(resolve)
        , carried_(carried)
        , graph_(std::make_unique<Graph>())
        , table_(std::make_shared<ParamTable>())
    {
        graph_->generation = nextGeneration.fetch_add(1, std::memory_order_relaxed); // a unique id, no ordering needed
        graph_->sampleRate = sampleRate;
        graph_->maxFrames = maxFrames;
        graph_->workers = spec.workers.value_or(0);
        graph_->masterBus = AudioBuffer(2, maxFrames);
        graph_->silence = AudioBuffer(1, maxFrames);
        graph_->gains = AudioBuffer(2, maxFrames);
        switchFrames_ = std::uint32_t(std::lround(switchSeconds * sampleRate));
    }

    Result<std::unique_ptr<Graph>> build()
    {
        // Parameter zones point into tracks and buses: their vectors must never reallocate.
        graph_->tracks.reserve(spec_.tracks.size());
        graph_->buses.reserve(spec_.buses.size());
        graph_->stages.reserve(spec_.tracks.size() * 7 + spec_.buses.size() * 2 + 2);
        for (const auto& bus : spec_.buses)
            if (auto r = addBus(bus); !r)
                return r.error();
        for (const auto& track : spec_.tracks)
            if (auto r = addTrack(track); !r)
                return r.error();
        if (auto r = addMaster(); !r)
            return r.error();
        SessionMidiPorts& ports = graph_->sessionMidi;
        ports.inConnections = spec_.midi.jackIn;
        ports.outConnections = spec_.midi.jackOut;
        ports.clockConnections = spec_.midi.clock.connect;
        ports.clockOut = spec_.midi.clock.out;
        ports.clockWhileStopped = spec_.midi.clock.whileStopped;
        ports.clockIn = spec_.midi.clock.in;
        if (auto r = checkPortNames(); !r)
            return r.error();
        if (auto r = wireNodes(*graph_); !r)
            return r.error();
        graph_->params = table_;
        graph_->sessionValues = graph_->initialValues;
        carryValues();
        settleGlides();
        graph_->morphs.prepare(graph_->slots.size());
        graph_->stageFaults = std::make_unique<std::atomic<std::uint32_t>[]>(graph_->stages.size());
        return std::move(graph_);
    }

private:
    Result<std::unique_ptr<faust::DspInstance>> instantiate(const session::DspSpec& dspSpec, const std::string& owner)
    {
        // Each distinct DSP is resolved once per build: 32 tracks of one synth are one compile
        // (or cache load, which expands the source to check it) and 32 instances.
        const std::string key = dspSpec.kind == session::DspSpec::Kind::Builtin ? "builtin:" + dspSpec.builtin
                                                                               : "file:" + dspSpec.file.string();
        auto known = factories_.find(key);
        if (known == factories_.end()) {
            auto factory = resolve_(dspSpec);
            if (!factory)
                return makeError(factory.error().code,
                    fmt::format("{}: {}: {}", dspSpec.where.str(), owner, factory.error().message));
            known = factories_.emplace(key, std::move(factory.value())).first;
        }
        auto instance = known->second->instantiate(graph_->sampleRate);
        if (!instance)
            return makeError(instance.error().code, fmt::format("{}: {}: {}", dspSpec.where.str(), owner, instance.error().message));
        return std::move(instance.value());
    }

    Result<std::size_t> addBuiltinStage(const std::string& name, const session::SourceLocation& where)
    {
        session::DspSpec builtin;
        builtin.kind = session::DspSpec::Kind::Builtin;
        builtin.builtin = name;
        builtin.where = where;
        auto dsp = instantiate(builtin, "built-in");
        if (!dsp)
            return dsp.error();
        return addStage(std::move(dsp.value()), false);
    }

    /// mapped: the stage is run through runStageMapped (a session's DSP, fitted to its
    /// place's channels), which needs an input buffer of its own; built-ins read in place.
    std::size_t addStage(std::unique_ptr<faust::DspInstance> dsp, bool mapped)
    {
        DspStage stage;
        if (mapped)
            stage.in = AudioBuffer(dsp->numInputs(), graph_->maxFrames);
        stage.out = AudioBuffer(dsp->numOutputs(), graph_->maxFrames);
        stage.dsp = std::move(dsp);
        graph_->stages.push_back(std::move(stage));
        return graph_->stages.size() - 1;
    }

    /// geometric: an engine ramp by equal ratios (ParamSlot::geometric).
    Result<ParamId> addParam(ParamInfo info, float* zone, Smoothing smoothing, bool geometric = false)
    {
        const auto id = static_cast<ParamId>(table_->size());
        if (!table_->add(info))
            return makeError(ErrorCode::Session, fmt::format("two parameters share the address '{}'", info.address));
        ParamSlot slot;
        slot.zone = zone;
        slot.smoothing = smoothing;
        slot.curve = morphCurveFor(info);
        slot.geometric = geometric;
        slot.prepare(smoothing == Smoothing::Engine
                ? std::uint32_t(std::lround(config::smoothingSeconds * graph_->sampleRate))
                : 0,
            info.init);
        *zone = info.init;
        graph_->slots.push_back(slot);
        graph_->initialValues.push_back(info.init);
        return id;
    }

    /// Registers every parameter of the stage under prefix (but those `skip` names); built-ins
    /// smooth in their DSP, unless they declare `smoothing "engine"` (the strip's high-pass and
    /// EQ: faust/lib/eq.lib); the engine ramps those, their frequencies and Qs by equal ratios.
    Result<void> addStageParams(std::size_t stageIndex, const std::string& prefix, bool builtin,
        bool (*skip)(const std::string& path) = nullptr)
    {
        auto& stage = graph_->stages[stageIndex];
        for (const auto& p : stage.dsp->params()) {
            if (skip && skip(p.path))
                continue;
            ParamInfo info;
            info.address = prefix + p.path;
            info.unit = p.unit;
            info.kind = p.kind;
            info.min = p.min;
            info.max = p.max;
            info.init = p.init;
            info.step = p.step;
            info.logScale = p.logScale;
            info.midiCc = p.midiCc;
            const bool byEngine = stage.dsp->smoothedByEngine();
            Smoothing smoothing = Smoothing::None;
            if (p.kind == port::ParamKind::Continuous)
                smoothing = builtin && !byEngine ? Smoothing::Dsp : Smoothing::Engine;
            const bool geometric = smoothing == Smoothing::Engine && byEngine
                && morphCurveFor(info) == MorphCurve::Geometric && info.min > 0.0f;
            auto id = addParam(info, p.zone, smoothing, geometric);
            if (!id)
                return id.error();
            if (smoothing == Smoothing::Engine)
                stage.rampedParams.push_back(*id);
        }
        return {};
    }

    /// An engine switch (0/1) or level of the engine's own, gliding in the node that reads it.
    Result<void> addSwitch(const std::string& address, float* zone, float init)
    {
        ParamInfo info;
        info.address = address;
        info.kind = port::ParamKind::Toggle;
        info.min = 0.0f;
        info.max = 1.0f;
        info.init = init;
        info.step = 1.0f;
        return addParam(info, zone, Smoothing::Node).has_value() ? Result<void>() : makeError(ErrorCode::Session, "duplicate " + address);
    }

    /// A level in dB of the engine's own (0.1 dB steps), gliding in the node that reads it.
    Result<void> addLevel(const std::string& address, float* zone, float min, float max, float init)
    {
        ParamInfo info;
        info.address = address;
        info.unit = "dB";
        info.kind = port::ParamKind::Continuous;
        info.min = min;
        info.max = max;
        info.init = init;
        info.step = 0.1f;
        if (auto id = addParam(info, zone, Smoothing::Node); !id)
            return id.error();
        return {};
    }

    /// Starts parameter id at value: its zone, its smoother and the control side's copy.
    void startAt(ParamId id, float value)
    {
        auto& slot = graph_->slots[id];
        *slot.zone = value;
        slot.reset(value);
        graph_->initialValues[id] = value;
    }

    /// Starts every carried value's parameter at it, over the session's, where the carry rule
    /// (carryTarget) lets it: otherwise the session's value stands.
    void carryValues()
    {
        for (const auto& carried : carried_)
            if (const auto id = carryTarget(*graph_, carried))
                startAt(*id, carried.value);
    }

    /// Puts every glide of the engine's own switches where its parameters say, so the graph's
    /// first block already sounds as set (a muted track does not fade out, a send does not
    /// fade in) rather than gliding there from defaults.
    void settleGlides()
    {
        const auto stripFrames = std::uint32_t(std::lround(config::smoothingSeconds * graph_->sampleRate));
        for (auto& track : graph_->tracks) {
            track.inputGain.prepare(stripFrames, dbToGain(track.trimDb) * (track.polarity >= 0.5f ? -1.0f : 1.0f));
            for (auto& section : track.sections) {
                const bool on = section.on >= 0.5f;
                section.mix.prepare(stripFrames, on ? 1.0f : 0.0f);
                section.running = on;
                section.warming = 0;
            }
            for (auto& send : track.sends) {
                send.level.prepare(switchFrames_, dbToGain(send.levelDb));
                send.preMix.prepare(switchFrames_, send.pre);
            }
            for (auto& route : track.routes)
                route.gain.prepare(switchFrames_, route.on >= 0.5f ? 1.0f : 0.0f);
        }
        updateAudibility(*graph_);
        for (auto& track : graph_->tracks)
            track.audible.prepare(switchFrames_, track.audible.target());
        for (auto& bus : graph_->buses)
            bus.audible.prepare(switchFrames_, bus.audible.target());
    }

    /// Sets a parameter's initial value (zone, smoother and the control side's copy).
    Result<void> setInitial(const std::string& address, double value, const session::SourceLocation& where)
    {
        const auto id = table_->find(address);
        if (!id)
            return makeError(ErrorCode::Session, fmt::format("{}: no parameter '{}'", where.str(), address));
        const auto& info = (*table_)[*id];
        if (!std::isfinite(value) || value < info.min || value > info.max)
            return makeError(ErrorCode::Session,
                fmt::format("{}: '{}' must be from {:g} to {:g}{}, got {:g}", where.str(), address, info.min, info.max,
                    info.unit.empty() ? "" : " " + info.unit, value));
        startAt(*id, float(value));
        return {};
    }

    /// Applies a session's `params:`/`strip:`/`chain:` values to the parameters of a stage.
    Result<void> setStageValues(std::size_t stageIndex, const std::vector<session::DspParamSpec>& values,
        const std::string& prefix, const std::string& owner, const std::string& what)
    {
        const auto& dsp = *graph_->stages[stageIndex].dsp;
        for (const auto& v : values) {
            if (!dsp.findParam(v.path))
                return makeError(ErrorCode::Session,
                    fmt::format("{}: {}: {} has no parameter '{}' (it has: {})", v.where.str(), owner, what, v.path,
                        paramNames(dsp)));
            if (auto r = setInitial(prefix + v.path, v.value, v.where); !r)
                return r;
        }
        return {};
    }

    /// The optional user DSP of a track, bus or master: instance, parameters, initial values.
    Result<std::optional<std::size_t>> addUserDsp(const session::DspSpec& dspSpec,
        const std::vector<session::DspParamSpec>& values, const std::string& prefix, const std::string& owner)
    {
        if (dspSpec.kind == session::DspSpec::Kind::None)
            return std::optional<std::size_t>();
        auto dsp = instantiate(dspSpec, owner);
        if (!dsp)
            return dsp.error();
        if ((*dsp)->numOutputs() == 0)
            return makeError(ErrorCode::Faust,
                fmt::format("{}: {}: {} has no outputs; it must produce sound", dspSpec.where.str(), owner,
                    (*dsp)->origin()));
        const std::string origin = (*dsp)->origin();
        const std::size_t stage = addStage(std::move(dsp.value()), true);
        graph_->stages[stage].guarded = true;
        graph_->stages[stage].label = fmt::format("{} ({})", owner, origin);
        if (auto r = addStageParams(stage, prefix, false); !r)
            return r.error();
        if (auto r = setStageValues(stage, values, prefix, owner, origin); !r)
            return r.error();
        return std::optional<std::size_t>(stage);
    }

    /// A track's instrument: its voice DSP once per voice slot, the voice's own controls
    /// (freq, gain, gate) left to the engine, its other controls registered once (slot 0's)
    /// and followed by every other slot.
    Result<std::unique_ptr<Instrument>> addInstrument(const session::TrackSpec& spec, const std::string& prefix,
        const std::string& owner)
    {
        const session::InstrumentSpec& play = *spec.instrument;
        auto instrument = std::make_unique<Instrument>();
        const VoiceMode mode = play.mode == session::InstrumentSpec::Mode::Mono ? VoiceMode::Mono
            : play.mode == session::InstrumentSpec::Mode::Legato               ? VoiceMode::Legato
                                                                               : VoiceMode::Poly;
        instrument->voices.prepare(std::uint32_t(play.voices), mode,
            std::uint32_t(std::lround(config::voiceStealSeconds * graph_->sampleRate)),
            std::uint32_t(std::lround(config::voiceQuietSeconds * graph_->sampleRate)));
        instrument->bendSemitones = float(play.bendSemitones);
        const std::size_t slots = instrument->voices.slots();
        for (std::size_t v = 0; v < slots; ++v) {
            auto dsp = instantiate(spec.dsp, owner);
            if (!dsp)
                return dsp.error();
            const faust::DspInstance& voice = **dsp;
            if (v == 0) {
                if (auto fit = checkVoice(voice, spec.dsp.where, owner); !fit)
                    return fit.error();
            }
            VoiceZones zones;
            for (const auto& p : voice.params()) {
                const std::string_view name = lastComponent(p.path);
                float** zone = name == "freq" ? &zones.freq : name == "gain" ? &zones.gain : name == "gate" ? &zones.gate : nullptr;
                if (zone && !*zone)
                    *zone = p.zone;
            }
            instrument->zones.push_back(zones);
            const std::string origin = voice.origin();
            const std::size_t stage = addStage(std::move(dsp.value()), false);
            graph_->stages[stage].label = fmt::format("{} ({}, voice {})", owner, origin, v + 1);
            instrument->stages.push_back(stage);
        }

        const std::size_t first = instrument->stages.front();
        if (auto r = addStageParams(first, prefix, false, isVoiceControl); !r)
            return r.error();
        if (auto r = setStageValues(first, spec.dspParams, prefix, owner, graph_->stages[first].dsp->origin()); !r)
            return r.error();
        for (const auto& p : graph_->stages[first].dsp->params()) {
            if (isVoiceControl(p.path))
                continue;
            ++instrument->numShared;
            for (std::size_t v = 0; v < slots; ++v)
                instrument->shared.push_back(graph_->stages[instrument->stages[v]].dsp->findParam(p.path)->zone);
        }
        // Parameter-major, as Instrument::shared says: shared[p * slots + v].
        return instrument;
    }

    /// An instrument's MIDI input and a track's audio input share JACK's port names: a track
    /// `keys_midi` would take `keys_midi_in`, the MIDI input of an instrument `keys`.
    Result<void> checkPortNames() const
    {
        // The session's own MIDI ports (midi_in, midi_out, clock_out) are backline's: a mono
        // track called `midi` (whose input would be midi_in) cannot have one of them.
        const SessionMidiPorts& own = graph_->sessionMidi;
        for (const std::string* port : {&own.inName, &own.outName, &own.clockName}) {
            for (const auto& track : spec_.tracks) {
                const auto& inputs = graph_->inputNames;
                if (track.name + "_in" != *port || std::find(inputs.begin(), inputs.end(), *port) == inputs.end())
                    continue;
                return makeError(ErrorCode::Session,
                    fmt::format("{}: the JACK port '{}' of track '{}' is the session's own MIDI input; rename the track",
                        track.where.str(), *port, track.name));
            }
        }
        for (const auto& midi : graph_->midiInputs) {
            for (std::size_t i = 0; i < graph_->inputNames.size(); ++i) {
                if (graph_->inputNames[i] != midi.name)
                    continue;
                return makeError(ErrorCode::Session,
                    fmt::format("{}: the JACK port '{}' would be both the MIDI input of instrument '{}' and an audio "
                                "input of another track; rename one of the two tracks",
                        spec_.tracks[midi.track].where.str(), midi.name, graph_->tracks[midi.track].name));
            }
        }
        return {};
    }

    static std::string_view lastComponent(std::string_view path)
    {
        const auto slash = path.rfind('/');
        return slash == std::string_view::npos ? path : path.substr(slash + 1);
    }

    /// Faust's polyphony convention: the controls the engine plays a voice by.
    static bool isVoiceControl(const std::string& path)
    {
        const std::string_view name = lastComponent(path);
        return name == "freq" || name == "gain" || name == "gate";
    }

    Result<void> checkVoice(const faust::DspInstance& voice, const session::SourceLocation& where, const std::string& owner)
    {
        if (voice.numInputs() > 0)
            return makeError(ErrorCode::Faust,
                fmt::format("{}: {}: {} has {} audio input{}; an instrument's voice makes its sound from notes and takes none",
                    where.str(), owner, voice.origin(), voice.numInputs(), voice.numInputs() == 1 ? "" : "s"));
        if (voice.numOutputs() == 0 || voice.numOutputs() > 2)
            return makeError(ErrorCode::Faust,
                fmt::format("{}: {}: {} has {} outputs; an instrument's voice has 1 (mono) or 2 (stereo)", where.str(),
                    owner, voice.origin(), voice.numOutputs()));
        bool gate = false;
        for (const auto& p : voice.params()) {
            gate = gate || lastComponent(p.path) == "gate";
            if (!isVoiceControl(p.path))
                continue;
            // Notes drive one of each: a second would be neither played nor settable.
            for (const auto& other : voice.params())
                if (&other != &p && lastComponent(other.path) == lastComponent(p.path))
                    return makeError(ErrorCode::Faust,
                        fmt::format("{}: {}: {} has two '{}' controls ('{}' and '{}'); notes play a voice by one "
                                    "'freq', one 'gain' and one 'gate': rename the other",
                            where.str(), owner, voice.origin(), lastComponent(p.path), p.path, other.path));
        }
        if (!gate)
            return makeError(ErrorCode::Faust,
                fmt::format("{}: {}: {} has no 'gate' control, so notes cannot start or stop it; an instrument's voice "
                            "follows Faust's polyphony convention: 'freq' (Hz), 'gain' (0..1) and 'gate' (a button)",
                    where.str(), owner, voice.origin()));
        return {};
    }

    Result<void> addBus(const session::BusSpec& spec)
    {
        const std::string owner = fmt::format("bus '{}'", spec.name);
        const std::string prefix = "/bus/" + spec.name + "/";
        BusNode bus;
        bus.name = spec.name;
        bus.aux = spec.kind == session::BusSpec::Kind::Aux;
        bus.input = AudioBuffer(2, graph_->maxFrames);
        auto dsp = addUserDsp(spec.dsp, spec.dspParams, prefix + "dsp/", owner);
        if (!dsp)
            return dsp.error();
        bus.dsp = *dsp;
        if (std::isfinite(spec.sleepSeconds))
            bus.sleepAfterFrames = std::uint64_t(std::llround(spec.sleepSeconds * graph_->sampleRate));
        auto fader = addBuiltinStage("fader_stereo", spec.where);
        if (!fader)
            return fader.error();
        bus.fader = *fader;
        if (auto r = addStageParams(bus.fader, prefix, true); !r)
            return r;
        graph_->buses.push_back(std::move(bus));
        BusNode& node = graph_->buses.back();
        for (auto [name, zone, value] : {std::tuple {"mute", &node.mute, spec.mute}, std::tuple {"solo", &node.solo, spec.solo},
                 std::tuple {"solo_safe", &node.soloSafe, spec.soloSafe}})
            if (auto r = addSwitch(prefix + name, zone, value ? 1.0f : 0.0f); !r)
                return r;
        if (auto r = setInitial(prefix + "gain", spec.gainDb, spec.where); !r)
            return r;
        return setInitial(prefix + "pan", spec.pan, spec.where);
    }

    std::optional<std::size_t> busIndex(const std::string& name) const
    {
        for (std::size_t i = 0; i < graph_->buses.size(); ++i)
            if (graph_->buses[i].name == name)
                return i;
        return std::nullopt;
    }

    /// A track's channel strip: trim and polarity (the engine's own gain), then its sections,
    /// each a DSP of its own with an engine switch `<section>/on`, and the session's `strip:`
    /// values.
    Result<void> addStrip(TrackNode& track, const session::TrackSpec& spec, const std::string& prefix,
        const std::string& owner)
    {
        std::vector<std::string> paths {"trim", "polarity"};
        if (auto r = addLevel(prefix + "trim", &track.trimDb, -24.0f, 24.0f, 0.0f); !r)
            return r;
        if (auto r = addSwitch(prefix + "polarity", &track.polarity, 0.0f); !r)
            return r;

        struct Kind {
            const char* name;
            float on;            // the switch's default (the EQ starts in, flat)
            double warmupSeconds; // unheard after a switch-on from off (faust/README.md, "Strip sections")
        };
        static constexpr Kind kinds[] = {{"hpf", 0.0f, 0.0}, {"gate", 0.0f, 0.0}, {"eq", 1.0f, 0.0}, {"comp", 0.0f, 0.050}};
        const char* width = spec.channels == 1 ? "mono" : "stereo";
        track.sections.reserve(std::size(kinds)); // zones point into it
        for (const Kind& kind : kinds) {
            auto stage = addBuiltinStage(fmt::format("strip_{}_{}", kind.name, width), spec.where);
            if (!stage)
                return stage.error();
            StripSection& section = track.sections.emplace_back();
            section.stage = *stage;
            section.warmupFrames = std::uint32_t(std::lround(kind.warmupSeconds * graph_->sampleRate));
            const std::string on = std::string(kind.name) + "/on";
            paths.push_back(on);
            if (auto r = addSwitch(prefix + on, &section.on, kind.on); !r)
                return r;
            if (auto r = addStageParams(section.stage, prefix, true); !r)
                return r;
            for (const auto& p : graph_->stages[section.stage].dsp->params())
                paths.push_back(p.path);
        }
        for (const auto& v : spec.strip) {
            if (std::find(paths.begin(), paths.end(), v.path) == paths.end()) {
                std::string names;
                for (const auto& path : paths)
                    names += (names.empty() ? "" : ", ") + path;
                return makeError(ErrorCode::Session,
                    fmt::format("{}: {}: the channel strip has no parameter '{}' (it has: {})", v.where.str(), owner, v.path,
                        names));
            }
            if (auto r = setInitial(prefix + v.path, v.value, v.where); !r)
                return r;
        }
        return {};
    }

    Result<void> addTrack(const session::TrackSpec& spec)
    {
        const std::string owner = fmt::format("track '{}'", spec.name);
        const std::string prefix = "/track/" + spec.name + "/";
        TrackNode node;
        node.name = spec.name;
        node.channels = spec.channels;
        node.inputFile = spec.inputFile;
        node.signal = AudioBuffer(spec.channels, graph_->maxFrames);
        node.preStereo = AudioBuffer(2, graph_->maxFrames);

        if (spec.instrument) {
            auto instrument = addInstrument(spec, prefix + "dsp/", owner);
            if (!instrument)
                return instrument.error();
            node.instrument = std::move(instrument.value());
            MidiInput midi;
            midi.name = spec.name + "_midi_in";
            midi.track = std::uint32_t(graph_->tracks.size());
            midi.channel = spec.instrument->midiChannel;
            midi.connections = spec.instrument->midiInputs;
            graph_->midiInputs.push_back(std::move(midi));
        } else {
            auto source = addUserDsp(spec.dsp, spec.dspParams, prefix + "dsp/", owner);
            if (!source)
                return source.error();
            node.source = *source;
        }
        const bool takesInput = !node.instrument && (!node.source || graph_->stages[*node.source].dsp->numInputs() > 0);
        if (takesInput) {
            node.inputBase = int(graph_->inputNames.size());
            for (int c = 0; c < spec.channels; ++c) {
                graph_->inputNames.push_back(spec.channels == 1 ? spec.name + "_in" : fmt::format("{}_in_{}", spec.name, c + 1));
                graph_->inputConnections.push_back(std::size_t(c) < spec.inputs.size() ? spec.inputs[std::size_t(c)] : "");
            }
        }

        graph_->tracks.push_back(std::move(node));
        TrackNode& track = graph_->tracks.back();

        const bool mono = spec.channels == 1;
        if (auto r = addStrip(track, spec, prefix, owner); !r)
            return r;
        auto fader = addBuiltinStage(mono ? "fader_mono" : "fader_stereo", spec.where);
        if (!fader)
            return fader.error();
        track.fader = *fader;
        if (auto r = addStageParams(track.fader, prefix, true); !r)
            return r;

        for (std::size_t b = 0; b < graph_->buses.size(); ++b) {
            if (graph_->buses[b].aux) {
                SendNode send;
                send.bus = b;
                track.sends.push_back(send);
            }
        }
        RouteNode toMaster;
        toMaster.destination = masterDestination;
        track.routes.push_back(toMaster);
        for (std::size_t b = 0; b < graph_->buses.size(); ++b) {
            if (!graph_->buses[b].aux) {
                RouteNode route;
                route.destination = b;
                track.routes.push_back(route);
            }
        }

        if (auto r = addSwitch(prefix + "mute", &track.mute, spec.mute ? 1.0f : 0.0f); !r)
            return r;
        if (auto r = addSwitch(prefix + "solo", &track.solo, spec.solo ? 1.0f : 0.0f); !r)
            return r;
        for (auto& send : track.sends) {
            const std::string sendPrefix = prefix + "send/" + graph_->buses[send.bus].name + "/";
            if (auto r = addLevel(sendPrefix + "level", &send.levelDb, -120.0f, 12.0f, -120.0f); !r)
                return r;
            if (auto r = addSwitch(sendPrefix + "pre", &send.pre, 0.0f); !r)
                return r;
            for (const auto& s : spec.sends) {
                if (s.bus != graph_->buses[send.bus].name)
                    continue;
                if (auto r = setInitial(sendPrefix + "level", s.levelDb, s.where); !r)
                    return r;
                send.pre = s.pre ? 1.0f : 0.0f;
                graph_->initialValues[*table_->find(sendPrefix + "pre")] = send.pre;
            }
        }
        const std::string output = spec.output;
        for (auto& route : track.routes) {
            const bool master = route.destination == masterDestination;
            const std::string name = master ? "master" : graph_->buses[route.destination].name;
            const bool on = master ? output.empty() : output == name;
            if (auto r = addSwitch(prefix + "route/" + name, &route.on, on ? 1.0f : 0.0f); !r)
                return r;
        }
        if (!output.empty() && !busIndex(output))
            return makeError(ErrorCode::Session, fmt::format("{}: {}: no bus '{}'", spec.outputWhere.str(), owner, output));
        if (auto r = setInitial(prefix + "gain", spec.gainDb, spec.where); !r)
            return r;
        return setInitial(prefix + "pan", spec.pan, spec.where);
    }

    Result<void> addMaster()
    {
        const auto& master = spec_.master;
        auto user = addUserDsp(master.dsp, master.dspParams, "/master/dsp/", "master");
        if (!user)
            return user.error();
        graph_->masterUser = *user;
        auto chain = addBuiltinStage("master", master.where);
        if (!chain)
            return chain.error();
        graph_->master = *chain;
        if (auto r = addStageParams(graph_->master, "/master/", true); !r)
            return r;
        if (auto r = setStageValues(graph_->master, master.chain, "/master/", "master", "the master chain"); !r)
            return r;
        if (auto r = setInitial("/master/gain", master.gainDb, master.where); !r)
            return r;
        graph_->outputConnections = master.outputs;
        return {};
    }

    const session::SessionSpec& spec_;
    const DspResolver& resolve_;
    const CarriedValues& carried_;
    std::map<std::string, std::shared_ptr<faust::DspFactory>> factories_; // resolved so far, by DSP
    std::unique_ptr<Graph> graph_;
    std::shared_ptr<ParamTable> table_;
    std::uint32_t switchFrames_ = 480;
};

} // namespace

Result<std::unique_ptr<Graph>> buildGraph(const session::SessionSpec& spec, int sampleRate, std::uint32_t maxFrames,
    const DspResolver& resolve, const CarriedValues& carried)
{
    if (maxFrames == 0 || maxFrames > config::maxBlockFrames)
        return makeError(ErrorCode::Engine,
            fmt::format("block size {} is outside 1..{} frames", maxFrames, config::maxBlockFrames));
    return Builder(spec, sampleRate, maxFrames, resolve, carried).build();
}

std::optional<ParamId> carryTarget(const Graph& graph, const CarriedValue& carried)
{
    if (!graph.params)
        return std::nullopt;
    const auto id = graph.params->find(carried.address);
    if (!id)
        return std::nullopt;
    const auto& info = (*graph.params)[*id];
    if (info.kind == port::ParamKind::Trigger || !std::isfinite(carried.value) || carried.value < info.min
        || carried.value > info.max)
        return std::nullopt;
    if (carried.sessionSaid && *id < graph.sessionValues.size() && graph.sessionValues[*id] != *carried.sessionSaid)
        return std::nullopt;
    return id;
}

std::optional<TapPoint> findTapPoint(const Graph& graph, const std::string& name)
{
    if (name == "master")
        return TapPoint {TapPoint::Kind::Master, 0};
    for (std::uint32_t i = 0; i < graph.tracks.size(); ++i) {
        const auto& track = graph.tracks[i];
        if (name == "track/" + track.name + "/input" && track.inputBase >= 0)
            return TapPoint {TapPoint::Kind::TrackInput, i};
        if (name == "track/" + track.name + "/post")
            return TapPoint {TapPoint::Kind::TrackPost, i};
    }
    for (std::uint32_t i = 0; i < graph.buses.size(); ++i)
        if (name == "bus/" + graph.buses[i].name)
            return TapPoint {TapPoint::Kind::Bus, i};
    return std::nullopt;
}

std::string meterName(const Graph& graph, std::size_t meter)
{
    if (meter < graph.tracks.size())
        return "track/" + graph.tracks[meter].name;
    meter -= graph.tracks.size();
    if (meter < graph.buses.size())
        return "bus/" + graph.buses[meter].name;
    return "master";
}

} // namespace backline::engine
