// SPDX-License-Identifier: GPL-3.0-or-later
// The mixing engine at the size of a band's desk: 32 stereo channel strips (gate, EQ,
// compressor and high-pass all on), sends to a reverb and a delay, routes to two groups, and
// the master chain, at 48 kHz in 128-frame blocks. Measured two ways side by side in one run:
// the engine's process() and the very same Faust instances' compute() called directly in a
// loop; the difference is the engine's own cost (mixing, sends, ramps, meters, taps).
#include "engine/Engine.h"
#include "engine/GraphBuilder.h"
#include "engine/ParamControl.h"
#include "faust/DspFactory.h"
#include "session/SessionLoader.h"

#include <benchmark/benchmark.h>

#include <random>
#include <xmmintrin.h>
#include <stdexcept>

using namespace backline;

namespace {

constexpr int rate = 48000;
constexpr std::uint32_t block = 128;
constexpr int tracks = 32;

std::string deskSession()
{
    std::string yaml = "backline: 1\ntracks:\n";
    for (int t = 0; t < tracks; ++t) {
        yaml += "  - name: ch" + std::to_string(t) + "\n    channels: 2\n    output: " + (t % 2 ? "drums" : "band")
            + "\n    strip: {hpf/on: 1, gate/on: 1, gate/threshold: -70, eq/on: 1, eq/mid1/gain: 3, comp/on: 1}\n"
              "    sends:\n      - {bus: verb, level: -12}\n      - {bus: echo, level: -18, pre: true}\n";
    }
    yaml += "buses:\n  - name: verb\n    dsp: reverb\n  - name: echo\n    dsp: delay\n"
            "  - name: drums\n    kind: group\n  - name: band\n    kind: group\n"
            "master:\n  chain: {eq/on: 1, comp/on: 1}\n";
    return yaml;
}

struct Desk {
    engine::Engine engine;
    port::Listeners listeners;
    engine::ParamControl control {engine, listeners};
    engine::Graph* graph = nullptr;
    std::vector<std::vector<float>> inputs;
    std::vector<const float*> inputPointers;
    std::vector<float> out[2];

    Desk()
    {
        auto spec = session::loadSessionText(deskSession(), "/tmp/desk.yaml");
        if (!spec)
            throw std::runtime_error(spec.error().message);
        auto built = engine::buildGraph(*spec, rate, block, [](const session::DspSpec& dsp) {
            return faust::builtinFactory(dsp.builtin);
        });
        if (!built)
            throw std::runtime_error(built.error().message);
        graph = built->get();
        std::mt19937 random(7);
        std::uniform_real_distribution<float> noise(-0.25f, 0.25f);
        inputs.resize(graph->inputNames.size(), std::vector<float>(block));
        for (auto& channel : inputs)
            for (auto& s : channel)
                s = noise(random);
        for (auto& channel : inputs)
            inputPointers.push_back(channel.data());
        out[0].resize(block);
        out[1].resize(block);
        control.install(std::move(built.value()));
    }
};

void engineProcess(benchmark::State& state)
{
    Desk desk;
    float* outputs[2] = {desk.out[0].data(), desk.out[1].data()};
    for (auto _ : state) {
        desk.engine.process(desk.inputPointers.data(), desk.inputPointers.size(), outputs, 2, block);
        // The meter thread is not running here: drain its queue as it would.
        engine::MeterEvent e;
        while (desk.engine.meterEvents().pop(e)) {
        }
        benchmark::DoNotOptimize(outputs[0][0]);
    }
    state.counters["cpu_per_audio_second"]
        = benchmark::Counter(double(state.iterations()) * block / rate, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(engineProcess)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

void directCompute(benchmark::State& state)
{
    Desk desk;
    // One block through the engine first so every stage has its buffers filled.
    float* outputs[2] = {desk.out[0].data(), desk.out[1].data()};
    desk.engine.process(desk.inputPointers.data(), desk.inputPointers.size(), outputs, 2, block);
    auto& graph = *desk.graph;
    auto compute = [&](std::size_t stage, float* const* in, float* const* out) {
        graph.stages[stage].dsp->compute(int(block), const_cast<float**>(in), const_cast<float**>(out));
    };
    // As the engine does for its blocks: denormals flushed, or IIR tails would cost more here.
    _mm_setcsr(_mm_getcsr() | 0x8040);
    for (auto _ : state) {
        // The same instances on the same data the engine gives them, minus everything else.
        for (auto& track : graph.tracks) {
            float* in[2] = {const_cast<float*>(desk.inputPointers[std::size_t(track.inputBase)]),
                const_cast<float*>(desk.inputPointers[std::size_t(track.inputBase + 1)])};
            auto& strip = graph.stages[track.strip];
            compute(track.strip, in, strip.out.pointers());
            compute(track.fader, strip.out.pointers(), graph.stages[track.fader].out.pointers());
        }
        for (auto& bus : graph.buses) {
            float* const* signal = bus.input.pointers();
            if (bus.dsp) {
                compute(*bus.dsp, signal, graph.stages[*bus.dsp].out.pointers());
                signal = graph.stages[*bus.dsp].out.pointers();
            }
            compute(bus.fader, signal, graph.stages[bus.fader].out.pointers());
        }
        compute(graph.master, graph.masterBus.pointers(), graph.stages[graph.master].out.pointers());
        benchmark::DoNotOptimize(graph.stages[graph.master].out.channel(0)[0]);
    }
    state.counters["cpu_per_audio_second"]
        = benchmark::Counter(double(state.iterations()) * block / rate, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(directCompute)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

} // namespace

BENCHMARK_MAIN();
