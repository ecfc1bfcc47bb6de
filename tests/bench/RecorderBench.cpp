// SPDX-License-Identifier: GPL-3.0-or-later
// How many mono 24-bit RF64 sources at 48 kHz the disk writer sustains, and what it costs.
//
//   BM_RecordRealTime/N  N sources fed in real time (128-frame blocks) for --seconds: the disk
//                        writer's CPU as % of one core (process CPU minus the feeder thread),
//                        dropped frames (must be 0).
//   BM_WriterThroughput/N  N sources fed as fast as the writer drains them: how many times
//                        real time it keeps up, hence how many sources it could sustain.
// Files go to $BACKLINE_BENCH_DIR (default /tmp); headers are fdatasync'ed every 0.5 s as in
// production.
#include "record/Recorder.h"

#include <benchmark/benchmark.h>

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <thread>

using namespace backline;
using namespace backline::record;

namespace {

constexpr int rate = 48000;
constexpr std::uint32_t block = 128;

double cpuSeconds(clockid_t clock)
{
    timespec ts {};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

std::filesystem::path benchRoot()
{
    const char* dir = std::getenv("BACKLINE_BENCH_DIR");
    return std::filesystem::path(dir ? dir : "/tmp") / "backline-record-bench";
}

double benchSeconds()
{
    const char* s = std::getenv("BACKLINE_BENCH_SECONDS");
    return s ? std::atof(s) : 10.0;
}

struct Rig {
    std::unique_ptr<Recorder> recorder;
    std::vector<CaptureSource> sources;
    std::vector<float> plane = std::vector<float>(block);

    explicit Rig(int n)
    {
        std::filesystem::remove_all(benchRoot());
        RecordSettings s;
        s.folder = benchRoot();
        s.format = FileFormat::Rf64;
        s.bits = SampleBits::Int24;
        s.minFreeMb = 256;
        recorder = Recorder::create(s).value();
        std::vector<SourceSpec> specs;
        for (int i = 0; i < n; ++i)
            specs.push_back({"track/t" + std::to_string(i) + "/input", 1});
        sources = recorder->prepareSources(specs).value();
        for (std::uint32_t i = 0; i < block; ++i)
            plane[i] = float(0.25 * std::sin(double(i) * 0.05));
    }
    ~Rig() { std::filesystem::remove_all(benchRoot()); }

    /// One block into every ring, as the audio thread does.
    void feedBlock()
    {
        const float* p[1] = {plane.data()};
        for (auto& s : sources)
            s.ring->writePlanar(p, block);
    }
    std::uint64_t dropped() const
    {
        std::uint64_t d = 0;
        for (const auto& s : sources)
            d += s.ring->framesDropped();
        return d;
    }
};

void BM_RecordRealTime(benchmark::State& state)
{
    const int n = int(state.range(0));
    const double seconds = benchSeconds();
    for (auto _ : state) {
        Rig rig(n);
        auto take = rig.recorder->start("bench", "");
        if (!take) {
            state.SkipWithError(take.error().message.c_str());
            return;
        }
        std::atomic<double> feederCpu {0};
        const double cpu0 = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
        std::thread feeder([&] {
            const auto t0 = std::chrono::steady_clock::now();
            const auto blocks = std::uint64_t(seconds * rate / block);
            for (std::uint64_t b = 0; b < blocks; ++b) {
                std::this_thread::sleep_until(t0 + std::chrono::nanoseconds(std::int64_t(1e9 * double(b) * block / rate)));
                rig.feedBlock();
            }
            feederCpu = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
        });
        feeder.join();
        const auto s0 = std::chrono::steady_clock::now();
        (void)rig.recorder->stop();
        state.counters["stop_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count();
        const double cpu = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0 - feederCpu.load();
        state.counters["writer_cpu_pct"] = 100.0 * cpu / seconds;
        state.counters["dropped_frames"] = double(rig.dropped());
        state.counters["MB_per_s"] = double(n) * rate * 3 / 1e6;
    }
}

void BM_WriterThroughput(benchmark::State& state)
{
    const int n = int(state.range(0));
    const double seconds = benchSeconds();
    for (auto _ : state) {
        Rig rig(n);
        auto take = rig.recorder->start("bench", "");
        if (!take) {
            state.SkipWithError(take.error().message.c_str());
            return;
        }
        const auto frames = std::uint64_t(seconds * rate);
        const auto t0 = std::chrono::steady_clock::now();
        for (std::uint64_t fed = 0; fed < frames; fed += block) {
            // Back-pressure instead of loss: wait while the last ring is more than half full.
            while (rig.sources.back().ring->readable() > rig.sources.back().ring->capacityFrames() / 2)
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            rig.feedBlock();
        }
        (void)rig.recorder->stop();
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        state.counters["realtime_factor"] = seconds / wall;
        state.counters["sustainable_sources"] = n * seconds / wall;
        state.counters["dropped_frames"] = double(rig.dropped());
    }
}

} // namespace

BENCHMARK(BM_RecordRealTime)->Arg(16)->Arg(64)->Arg(256)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_WriterThroughput)->Arg(64)->Arg(256)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK_MAIN();
