// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineTarget.h"

#include "engine/GraphBuilder.h"
#include "session/SessionLoader.h"
#include "show/SceneCheck.h"

#include <cmath>
#include <stdexcept>

namespace backline::fuzz {

namespace {

constexpr int sampleRate = 48000;

} // namespace

EngineTarget::EngineTarget(std::filesystem::path session, std::uint32_t blockFrames)
    : session_(std::move(session))
    , blockFrames_(blockFrames)
    , control_(engine_, listeners_)
    , jit_({std::filesystem::temp_directory_path() / "backline-fuzz-cache", {}})
    , input_(blockFrames)
{
    for (std::uint32_t i = 0; i < blockFrames; ++i)
        input_[i] = 0.5f * float(std::sin(2.0 * M_PI * 440.0 * i / sampleRate));
    output_[0].resize(blockFrames);
    output_[1].resize(blockFrames);
    listeners_.add(&scenes_);
    if (auto r = load(); !r) {
        listeners_.remove(&scenes_);
        throw std::runtime_error(r.error().message);
    }
    renderBlock();
}

EngineTarget::~EngineTarget() { listeners_.remove(&scenes_); }

Result<void> EngineTarget::load()
{
    auto spec = session::loadSessionFile(session_);
    if (!spec)
        return spec.error();
    auto resolve = [this](const session::DspSpec& dsp) -> Result<std::shared_ptr<faust::DspFactory>> {
        const std::string key = dsp.kind == session::DspSpec::Kind::Builtin ? dsp.builtin : dsp.file.string();
        if (auto it = factories_.find(key); it != factories_.end())
            return it->second;
        auto factory = dsp.kind == session::DspSpec::Kind::Builtin ? faust::builtinFactory(dsp.builtin)
                                                                   : jit_.compile(dsp.file);
        if (factory)
            factories_.emplace(key, *factory);
        return factory;
    };
    auto graph = engine::buildGraph(*spec, sampleRate, blockFrames_, resolve);
    if (!graph)
        return graph.error();
    if (auto r = show::checkScenes(*spec, (*graph)->params->all()); !r)
        return r.error();
    spec_ = std::move(*spec);
    numInputs_ = (*graph)->inputNames.size();
    inputs_.assign(numInputs_, input_.data());
    play_.install(**graph);
    control_.install(std::move(*graph));
    scenes_.adopt(spec_);
    return arrangement_.adopt(spec_);
}

Result<std::string> EngineTarget::reloadSession()
{
    std::lock_guard lock(mutex_);
    if (auto r = load(); !r)
        return r.error();
    return spec_.name;
}

port::DaemonStatus EngineTarget::status()
{
    std::lock_guard lock(mutex_);
    port::DaemonStatus s;
    s.session = spec_.name;
    s.sampleRate = sampleRate;
    s.bufferSize = int(blockFrames_);
    s.droppedCommands = engine_.droppedCommands();
    s.tracks = int(spec_.tracks.size());
    return s;
}

bool EngineTarget::renderBlock()
{
    std::lock_guard lock(mutex_);
    float* outputs[2] = {output_[0].data(), output_[1].data()};
    engine_.process(inputs_.data(), inputs_.size(), outputs, 2, blockFrames_);
    engine_.collectGarbage();
    for (const auto& channel : output_)
        for (float x : channel)
            if (!std::isfinite(x))
                return false;
    return true;
}

} // namespace backline::fuzz
