// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/GraphBuilder.h"

#include "core/Config.h"

#include <atomic>
#include <cmath>
#include <fmt/format.h>

namespace backline::engine {

namespace {

std::atomic<std::uint64_t> nextGeneration {1};

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
    Builder(const session::SessionSpec& spec, int sampleRate, std::uint32_t maxFrames, const DspResolver& resolve)
        : spec_(spec)
        , resolve_(resolve)
        , graph_(std::make_unique<Graph>())
        , table_(std::make_shared<ParamTable>())
    {
        graph_->generation = nextGeneration.fetch_add(1, std::memory_order_relaxed); // a unique id, no ordering needed
        graph_->sampleRate = sampleRate;
        graph_->maxFrames = maxFrames;
        graph_->masterBus = AudioBuffer(2, maxFrames);
        graph_->silence = AudioBuffer(1, maxFrames);
    }

    Result<std::unique_ptr<Graph>> build()
    {
        // Stages are referred to by index, so reserve up front: DspStage moves are cheap but
        // pointers into params() must stay valid while slots are being filled.
        graph_->stages.reserve(spec_.tracks.size() * 2 + 2);
        for (const auto& track : spec_.tracks)
            if (auto r = addTrack(track); !r)
                return r.error();
        if (auto r = addMaster(); !r)
            return r.error();
        graph_->params = table_;
        return std::move(graph_);
    }

private:
    Result<std::unique_ptr<faust::DspInstance>> instantiate(const session::DspSpec& dspSpec, const std::string& owner)
    {
        auto factory = resolve_(dspSpec);
        if (!factory)
            return makeError(factory.error().code, fmt::format("{}: {}: {}", dspSpec.where.str(), owner, factory.error().message));
        auto instance = (*factory)->instantiate(graph_->sampleRate);
        if (!instance)
            return makeError(instance.error().code, fmt::format("{}: {}: {}", dspSpec.where.str(), owner, instance.error().message));
        return std::move(instance.value());
    }

    Result<std::unique_ptr<faust::DspInstance>> instantiateBuiltin(const std::string& name, const session::SourceLocation& where)
    {
        session::DspSpec builtin;
        builtin.kind = session::DspSpec::Kind::Builtin;
        builtin.builtin = name;
        builtin.where = where;
        return instantiate(builtin, "built-in");
    }

    /// Registers every parameter of the stage under prefix; built-ins smooth in their DSP.
    Result<void> addParams(std::size_t stageIndex, const std::string& prefix, bool builtin)
    {
        auto& stage = graph_->stages[stageIndex];
        for (const auto& p : stage.dsp->params()) {
            ParamInfo info;
            info.address = prefix + p.path;
            info.unit = p.unit;
            info.kind = p.kind;
            info.min = p.min;
            info.max = p.max;
            info.init = p.init;
            info.step = p.step;
            if (p.kind == faust::ParamKind::Continuous)
                info.smoothing = builtin ? Smoothing::Dsp : Smoothing::Engine;
            const auto id = static_cast<ParamId>(table_->size());
            if (!table_->add(info))
                return makeError(ErrorCode::Session, fmt::format("two parameters share the address '{}'", info.address));
            ParamSlot slot;
            slot.zone = p.zone;
            slot.smoothing = info.smoothing;
            slot.smoother.setRampFrames(info.smoothing == Smoothing::Engine
                    ? std::uint32_t(std::lround(config::smoothingSeconds * graph_->sampleRate))
                    : 0);
            slot.smoother.reset(p.init);
            graph_->slots.push_back(slot);
            graph_->initialValues.push_back(p.init);
            if (info.smoothing == Smoothing::Engine)
                stage.rampedParams.push_back(id);
        }
        return {};
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
                fmt::format("{}: '{}' must be from {} to {}{}, got {}", where.str(), address, info.min, info.max,
                    info.unit.empty() ? "" : " " + info.unit, value));
        auto& slot = graph_->slots[*id];
        *slot.zone = float(value);
        slot.smoother.reset(float(value));
        graph_->initialValues[*id] = float(value);
        return {};
    }

    Result<void> setDspParams(std::size_t stageIndex, const std::vector<session::DspParamSpec>& values,
        const std::string& prefix, const std::string& owner)
    {
        const auto& dsp = *graph_->stages[stageIndex].dsp;
        for (const auto& v : values) {
            if (!dsp.findParam(v.path))
                return makeError(ErrorCode::Session,
                    fmt::format("{}: {}: {} has no parameter '{}' (it has: {})", v.where.str(), owner, dsp.origin(), v.path,
                        paramNames(dsp)));
            if (auto r = setInitial(prefix + v.path, v.value, v.where); !r)
                return r;
        }
        return {};
    }

    std::size_t addStage(std::unique_ptr<faust::DspInstance> dsp)
    {
        DspStage stage;
        stage.in = AudioBuffer(dsp->numInputs(), graph_->maxFrames);
        stage.out = AudioBuffer(dsp->numOutputs(), graph_->maxFrames);
        stage.dsp = std::move(dsp);
        graph_->stages.push_back(std::move(stage));
        return graph_->stages.size() - 1;
    }

    Result<void> addTrack(const session::TrackSpec& track)
    {
        const std::string owner = fmt::format("track '{}'", track.name);
        const std::string prefix = "/track/" + track.name + "/";
        TrackNode node;
        node.name = track.name;
        node.channels = track.channels;
        node.inputFile = track.inputFile;
        node.signal = AudioBuffer(track.channels, graph_->maxFrames);

        bool takesInput = true;
        if (track.dsp.kind != session::DspSpec::Kind::None) {
            auto dsp = instantiate(track.dsp, owner);
            if (!dsp)
                return dsp.error();
            if ((*dsp)->numOutputs() == 0)
                return makeError(ErrorCode::Faust,
                    fmt::format("{}: {}: {} has no outputs; a track's DSP must produce sound", track.dsp.where.str(), owner,
                        (*dsp)->origin()));
            takesInput = (*dsp)->numInputs() > 0;
            node.source = addStage(std::move(dsp.value()));
            if (auto r = addParams(*node.source, prefix + "dsp/", false); !r)
                return r;
            if (auto r = setDspParams(*node.source, track.dspParams, prefix + "dsp/", owner); !r)
                return r;
        }
        if (takesInput) {
            node.inputBase = int(graph_->inputNames.size());
            for (int c = 0; c < track.channels; ++c) {
                graph_->inputNames.push_back(track.channels == 1 ? track.name + "_in" : fmt::format("{}_in_{}", track.name, c + 1));
                graph_->inputConnections.push_back(std::size_t(c) < track.inputs.size() ? track.inputs[std::size_t(c)] : "");
            }
        }

        auto strip = instantiateBuiltin(track.channels == 1 ? "strip_mono" : "strip_stereo", track.where);
        if (!strip)
            return strip.error();
        node.strip = addStage(std::move(strip.value()));
        if (auto r = addParams(node.strip, prefix, true); !r)
            return r;
        if (auto r = setInitial(prefix + "gain", track.gainDb, track.where); !r)
            return r;
        if (auto r = setInitial(prefix + "pan", track.pan, track.where); !r)
            return r;
        if (auto r = setInitial(prefix + "mute", track.mute ? 1.0 : 0.0, track.where); !r)
            return r;
        graph_->tracks.push_back(std::move(node));
        return {};
    }

    Result<void> addMaster()
    {
        const auto& master = spec_.master;
        if (master.dsp.kind != session::DspSpec::Kind::None) {
            auto dsp = instantiate(master.dsp, "master");
            if (!dsp)
                return dsp.error();
            if ((*dsp)->numOutputs() == 0)
                return makeError(ErrorCode::Faust,
                    fmt::format("{}: master: {} has no outputs", master.dsp.where.str(), (*dsp)->origin()));
            graph_->masterUser = addStage(std::move(dsp.value()));
            if (auto r = addParams(*graph_->masterUser, "/master/dsp/", false); !r)
                return r;
            if (auto r = setDspParams(*graph_->masterUser, master.dspParams, "/master/dsp/", "master"); !r)
                return r;
        }
        auto chain = instantiateBuiltin("master", master.where);
        if (!chain)
            return chain.error();
        graph_->master = addStage(std::move(chain.value()));
        if (auto r = addParams(graph_->master, "/master/", true); !r)
            return r;
        if (auto r = setInitial("/master/gain", master.gainDb, master.where); !r)
            return r;
        graph_->outputConnections = master.outputs;
        return {};
    }

    const session::SessionSpec& spec_;
    const DspResolver& resolve_;
    std::unique_ptr<Graph> graph_;
    std::shared_ptr<ParamTable> table_;
};

} // namespace

Result<std::unique_ptr<Graph>> buildGraph(const session::SessionSpec& spec, int sampleRate, std::uint32_t maxFrames,
    const DspResolver& resolve)
{
    if (maxFrames == 0 || maxFrames > config::maxBlockFrames)
        return makeError(ErrorCode::Engine,
            fmt::format("block size {} is outside 1..{} frames", maxFrames, config::maxBlockFrames));
    return Builder(spec, sampleRate, maxFrames, resolve).build();
}

} // namespace backline::engine
