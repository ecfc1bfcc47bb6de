// SPDX-License-Identifier: GPL-3.0-or-later
// The mixing engine at the size of a band's desk: 32 stereo channel strips (gate, EQ,
// compressor and high-pass all on), sends to a reverb and a delay, routes to two groups, and
// the master chain, at 48 kHz in 128-frame blocks. Measured two ways side by side in one run:
// the engine's process() and the very same Faust instances' compute() called directly in a
// loop; the difference is the engine's own cost (mixing, sends, ramps, meters, taps).
// 64 mono tracks with every strip section off, typical, and all on (what off saves).
// The same desk on 1 and on 2 workers (wall-clock time: the helpers' time is not the caller's).
// Then morphs: the same desk grown to 72 tracks, run with no morph and with 2,000 parameters
// morphing at once (each block moves every one of them), at 128 and at 1,024 frames a block.
#include "engine/Engine.h"
#include "engine/GraphBuilder.h"
#include "engine/ParamControl.h"
#include "engine/WorkerPool.h"
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
constexpr int deskTracks = 32;

std::string deskSession(int tracks = deskTracks)
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
    std::uint32_t frames = block;
    std::vector<std::vector<float>> inputs;
    std::vector<const float*> inputPointers;
    std::vector<float> out[2];

    explicit Desk(int tracks = deskTracks, std::uint32_t blockFrames = block)
        : Desk(deskSession(tracks), blockFrames)
    {
    }

    explicit Desk(const std::string& yaml, std::uint32_t blockFrames = block)
        : frames(blockFrames)
    {
        auto spec = session::loadSessionText(yaml, "/tmp/desk.yaml");
        if (!spec)
            throw std::runtime_error(spec.error().message);
        auto built = engine::buildGraph(*spec, rate, frames, [](const session::DspSpec& dsp) {
            return faust::builtinFactory(dsp.builtin);
        });
        if (!built)
            throw std::runtime_error(built.error().message);
        graph = built->get();
        std::mt19937 random(7);
        std::uniform_real_distribution<float> noise(-0.25f, 0.25f);
        inputs.resize(graph->inputNames.size(), std::vector<float>(frames));
        for (auto& channel : inputs)
            for (auto& s : channel)
                s = noise(random);
        for (auto& channel : inputs)
            inputPointers.push_back(channel.data());
        out[0].resize(frames);
        out[1].resize(frames);
        control.install(std::move(built.value()));
    }

    /// [audio, here the benchmark's thread] One block, its meter events drained as the meter thread would.
    void process()
    {
        float* outputs[2] = {out[0].data(), out[1].data()};
        engine.process(inputPointers.data(), inputPointers.size(), outputs, 2, frames);
        engine::MeterEvent e;
        while (engine.meterEvents().pop(e)) {
        }
        benchmark::DoNotOptimize(outputs[0][0]);
    }

    /// Starts a morph of the first `count` continuous parameters to the other end of their
    /// range, over an hour: it runs through the whole measurement.
    void morph(std::size_t count)
    {
        std::vector<port::ParamChange> changes;
        for (const auto& p : control.all()) {
            if (changes.size() == count)
                break;
            if (p.info.kind == port::ParamKind::Continuous)
                changes.push_back({p.info.address, p.value == p.info.max ? p.info.min : p.info.max});
        }
        if (changes.size() != count)
            throw std::runtime_error("the desk has fewer continuous parameters than the morph wants");
        if (auto r = control.morph(changes, 3600.0); !r)
            throw std::runtime_error(r.error().message);
        process(); // the block that starts it
        if (graph->morphs.count() != count)
            throw std::runtime_error("the morph did not start");
    }
};

void engineProcess(benchmark::State& state)
{
    Desk desk;
    for (auto _ : state)
        desk.process();
    state.counters["cpu_per_audio_second"]
        = benchmark::Counter(double(state.iterations()) * block / rate, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(engineProcess)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

/// 64 mono tracks, each an input through its strip and fader to the master, no buses: the
/// strip as the argument sets it — 0 every section off, 1 typical (high-pass, EQ, compressor),
/// 2 every section on. What a track costs with its sections off against on.
void monoTracks(benchmark::State& state)
{
    static const char* strips[] = {"{eq/on: 0}", "{hpf/on: 1, eq/on: 1, eq/mid1/gain: 3, comp/on: 1}",
        "{hpf/on: 1, gate/on: 1, gate/threshold: -70, eq/on: 1, eq/mid1/gain: 3, comp/on: 1}"};
    std::string yaml = "backline: 1\ntracks:\n";
    for (int t = 0; t < 64; ++t)
        yaml += "  - {name: m" + std::to_string(t) + ", strip: " + strips[state.range(0)] + "}\n";
    Desk desk(yaml);
    for (auto _ : state)
        desk.process();
    state.counters["per_track_cpu_per_audio_second"] = benchmark::Counter(
        double(state.iterations()) * block / rate * 64, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(monoTracks)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

/// The desk on N workers (the argument): wall-clock time per block, since the helpers' time is
/// not the calling thread's. 1 worker is the same path as engineProcess.
void deskOnWorkers(benchmark::State& state)
{
    Desk desk;
    auto pool = engine::WorkerPool::create(int(state.range(0)));
    if (!pool)
        throw std::runtime_error(pool.error().message);
    desk.engine.useWorkers(&(*pool)->scheduler());
    for (auto _ : state)
        desk.process();
    desk.engine.useWorkers(nullptr);
    state.counters["realtime_x"] = benchmark::Counter(double(state.iterations()) * block / rate, benchmark::Counter::kIsRate);
}
BENCHMARK(deskOnWorkers)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->MinTime(2.0)->UseRealTime();

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
            float* const* signal = in;
            for (auto& section : track.sections) {
                if (!section.running)
                    continue;
                compute(section.stage, signal, graph.stages[section.stage].out.pointers());
                signal = graph.stages[section.stage].out.pointers();
            }
            compute(track.fader, signal, graph.stages[track.fader].out.pointers());
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

/// The 72-track desk (2,000 and more continuous parameters), blocks of state.range(0) frames,
/// with state.range(1) parameters morphing (0: none). Per block.
void morphingDesk(benchmark::State& state)
{
    Desk desk(72, std::uint32_t(state.range(0)));
    if (state.range(1) > 0)
        desk.morph(std::size_t(state.range(1)));
    for (auto _ : state)
        desk.process();
    if (desk.graph->morphs.count() != std::size_t(state.range(1)))
        state.SkipWithError("the morph ended during the measurement");
    state.counters["cpu_per_audio_second"] = benchmark::Counter(double(state.iterations()) * double(desk.frames) / rate,
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(morphingDesk)
    ->ArgNames({"block", "morphing"})
    ->Args({128, 0})
    ->Args({128, 2000})
    ->Args({1024, 0})
    ->Args({1024, 2000})
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(2.0);

/// Morphs::advance() alone for 2,000 parameters, one 128-frame stretch: the bookkeeping a morph
/// adds to a block, without the DSP around it.
void morphAdvance(benchmark::State& state)
{
    Desk desk(72, block);
    desk.morph(2000);
    std::uint64_t at = desk.engine.clock();
    for (auto _ : state) {
        desk.graph->morphs.advance(desk.graph->slots, at, at + block);
        at += block;
    }
}
BENCHMARK(morphAdvance)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

} // namespace

BENCHMARK_MAIN();
