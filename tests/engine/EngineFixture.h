// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Engine.h"
#include "engine/GraphBuilder.h"
#include "engine/OfflineRenderer.h"
#include "engine/ParamControl.h"
#include "engine/PlayControl.h"
#include "faust/JitCompiler.h"
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace backline::test {

/// A session loaded from YAML text and run by a real engine through the offline backend.
class OfflineSession {
public:
    /// Loads yaml (as if it were the file `dir/session.yaml`) and installs its graph, its
    /// parameters started at carried where given.
    explicit OfflineSession(const std::string& yaml, std::uint32_t blockFrames = 256,
        std::filesystem::path dir = BACKLINE_TEST_DATA_DIR, const engine::CarriedValues& carried = {})
        : control(engine, listeners)
        , jit({std::filesystem::temp_directory_path() / "backline-test-cache", {}})
    {
        auto spec = session::loadSessionText(yaml, dir / "session.yaml");
        if (!spec)
            throw std::runtime_error(spec.error().message);
        auto graph = engine::buildGraph(*spec, spec->sampleRate, blockFrames, resolver(), carried);
        if (!graph)
            throw std::runtime_error(graph.error().message);
        sampleRate = spec->sampleRate;
        auto r = engine::OfflineRenderer::create(engine, **graph, blockFrames);
        if (!r)
            throw std::runtime_error(r.error().message);
        renderer = std::move(r.value());
        installed = graph->get();
        play.install(**graph);
        control.install(std::move(graph.value()));
    }

    /// The graph installed at construction (valid while no other is installed).
    const engine::Graph* installedGraph() const { return installed; }

    engine::DspResolver resolver()
    {
        return [this](const session::DspSpec& dsp) -> Result<std::shared_ptr<faust::DspFactory>> {
            if (dsp.kind == session::DspSpec::Kind::Builtin)
                return faust::builtinFactory(dsp.builtin);
            return jit.compile(dsp.file);
        };
    }

    /// Renders seconds; returns {left, right}.
    std::pair<std::vector<float>, std::vector<float>> render(double seconds)
    {
        std::vector<float> l, r;
        auto result = renderer->renderInto(std::uint64_t(seconds * sampleRate), l, r);
        if (!result)
            throw std::runtime_error(result.error().message);
        return {std::move(l), std::move(r)};
    }

    engine::Engine engine;
    port::Listeners listeners;
    engine::ParamControl control;
    engine::PlayControl play {engine};
    faust::JitCompiler jit;
    std::unique_ptr<engine::OfflineRenderer> renderer;
    int sampleRate = 48000;
    const engine::Graph* installed = nullptr;
};

} // namespace backline::test
