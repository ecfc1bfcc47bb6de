// SPDX-License-Identifier: GPL-3.0-or-later
// The session harness: YAML text → loader → (built-in only) graph → scenes checked → two engine blocks.
#include "FuzzHarnesses.h"

#include "engine/Engine.h"
#include "engine/GraphBuilder.h"
#include "session/SessionLoader.h"
#include "session/YamlTrial.h"
#include "show/SceneCheck.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace backline::fuzz {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& why)
{
    std::fprintf(stderr, "fuzzSession: %s\n", why.c_str());
    std::abort();
}

/// A folder holding the files the seed sessions name, so the loader's file checks find some
/// of them (they are only checked for existence, never read). Removed when the process exits.
fs::path sessionFolder()
{
    static const fs::path dir = fs::temp_directory_path() / ("backline-fuzz-session-" + std::to_string(getpid()));
    std::atexit([] {
        std::error_code ec;
        fs::remove_all(dir, ec);
    });
    for (const char* file : {"audio/pad.wav", "lowpass.dsp", "dsp/chimes.dsp", "in.wav", "fx.dsp"}) {
        fs::create_directories((dir / file).parent_path());
        std::ofstream(dir / file) << "\n";
    }
    fs::create_directories(dir / "folder.dsp");
    return dir;
}

/// Larger sessions are valid but only cost time here (each drone allocates ~1 MB of delay).
constexpr std::size_t maxNodesToBuild = 16;
constexpr std::uint32_t blockFrames = 256;

/// Tracks and buses (buses counted once the session model has them).
template <typename Spec>
std::size_t nodeCount(const Spec& spec)
{
    std::size_t n = spec.tracks.size();
    if constexpr (requires { spec.buses; })
        n += spec.buses.size();
    return n;
}

} // namespace

int fuzzSession(const std::uint8_t* data, std::size_t size)
{
    // No child trial per input (see session/YamlTrial.h): a runaway text must show here as the
    // timeout it is, for precheckYaml to learn its shape.
    static const bool untried = (session::enableYamlTrial(false), true);
    (void)untried;
    static const fs::path folder = sessionFolder();
    static const fs::path file = folder / "session.yaml";
    const std::string text(reinterpret_cast<const char*>(data), size);

    auto spec = session::loadSessionText(text, file);
    if (!spec) {
        // The loader's promise: every problem names the file (and line and column when known).
        if (!spec.error().message.starts_with(file.string() + ":"))
            fail("error message without the file's location: " + spec.error().message);
        return 0;
    }
    if (nodeCount(*spec) > maxNodesToBuild)
        return 0;

    auto builtinsOnly = [](const session::DspSpec& dsp) -> Result<std::shared_ptr<faust::DspFactory>> {
        if (dsp.kind == session::DspSpec::Kind::Builtin)
            return faust::builtinFactory(dsp.builtin);
        return makeError(ErrorCode::Faust, dsp.file.string() + ": the fuzzer compiles no .dsp files");
    };
    auto graph = engine::buildGraph(*spec, spec->sampleRate, blockFrames, builtinsOnly);
    if (!graph) {
        if (graph.error().message.empty())
            fail("graph build failed without a message");
        return 0;
    }
    // Scenes and safes are checked against the graph's parameters, as the daemon does.
    if (auto scenes = show::checkScenes(*spec, (*graph)->params->all()); !scenes) {
        if (!scenes.error().message.starts_with(file.string() + ":"))
            fail("a scene error without the file's location: " + scenes.error().message);
        return 0;
    }

    engine::Engine engine;
    std::vector<float> input(blockFrames, 0.25f);
    std::vector<const float*> inputs((*graph)->inputNames.size(), input.data());
    std::vector<float> left(blockFrames), right(blockFrames);
    float* outputs[2] = {left.data(), right.data()};
    engine.installGraph(std::move(*graph));
    for (int block = 0; block < 2; ++block) {
        engine.process(inputs.data(), inputs.size(), outputs, 2, blockFrames);
        for (std::uint32_t i = 0; i < blockFrames; ++i)
            if (!std::isfinite(left[i]) || !std::isfinite(right[i]))
                fail("a session that loads rendered a NaN or infinite sample");
    }
    return 0;
}

} // namespace backline::fuzz
