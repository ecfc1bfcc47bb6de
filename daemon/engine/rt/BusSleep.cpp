// SPDX-License-Identifier: GPL-3.0-or-later
// A bus's DSP that has nothing to do sleeps (see BusSleep.h).
#include "engine/rt/BusSleep.h"

#include "core/Config.h"
#include "engine/rt/BufferOps.h"
#include "engine/rt/StageRunner.h"

#include <cmath>

namespace backline::engine {

namespace {

/// The first frame in [from, n) where a channel of x is not exactly 0; n when there is none.
std::uint32_t firstSound(const float* const* x, int channels, std::uint32_t from, std::uint32_t n) noexcept
    BACKLINE_NONBLOCKING
{
    for (std::uint32_t i = from; i < n; ++i)
        for (int c = 0; c < channels; ++c)
            if (x[c][i] != 0.0f)
                return i;
    return n;
}

/// Counts the frames in a row from `from` with nothing in and nothing out; returns the frame
/// the bus falls asleep on (the one after the count reaches its limit), n when it stays awake.
std::uint32_t watchForSleep(BusNode& bus, const float* const* in, int numIn, const float* const* out, int numOut,
    std::uint32_t from, std::uint32_t n) noexcept BACKLINE_NONBLOCKING
{
    for (std::uint32_t i = from; i < n; ++i) {
        bool quiet = true;
        for (int c = 0; c < numIn; ++c)
            quiet = quiet && in[c][i] == 0.0f;
        for (int c = 0; c < numOut; ++c)
            quiet = quiet && std::fabs(out[c][i]) <= config::silenceFloor;
        bus.quietFrames = quiet ? bus.quietFrames + 1 : 0;
        if (bus.quietFrames >= bus.sleepAfterFrames)
            return i + 1;
    }
    return n;
}

/// Where it stopped: its state as it was on the frame it fell asleep (all of it under the last
/// bit), its ramps landed (nothing sounds that a jump could click in).
void wake(Graph& graph, BusNode& bus, DspStage& stage) noexcept BACKLINE_NONBLOCKING
{
    for (ParamId id : stage.rampedParams)
        graph.slots[id].land();
    bus.asleep = false;
    bus.quietFrames = 0;
}

/// Computes stage over frames [from, to) of its own buffers.
void computeRange(Graph& graph, DspStage& stage, std::uint32_t from, std::uint32_t to) noexcept BACKLINE_NONBLOCKING
{
    if (from == 0) {
        runStage(graph, stage, stage.in.pointers(), stage.out.pointers(), to);
        return;
    }
    float* in[config::maxDspChannels];
    float* out[config::maxDspChannels];
    for (int c = 0; c < stage.in.channels(); ++c)
        in[c] = stage.in.channel(c) + from;
    for (int c = 0; c < stage.out.channels(); ++c)
        out[c] = stage.out.channel(c) + from;
    runStage(graph, stage, in, out, to - from);
}

} // namespace

void runBusDsp(Graph& graph, BusNode& bus, float* const* signal, std::uint32_t nframes) noexcept
{
    DspStage& stage = graph.stages[*bus.dsp];
    const int numIn = stage.in.channels();
    const int numOut = stage.out.channels();
    float* const* in = stage.in.pointers();
    float* const* out = stage.out.pointers();
    mapChannels(signal, 2, in, numIn, nframes);
    const bool sleeps = numIn > 0 && bus.sleepAfterFrames != UINT64_MAX;

    // Awake from `at`, computing; asleep, silent until the input sounds. A block may hold
    // both, more than once. Awake, it computes no further than the earliest frame it could
    // fall asleep on, so asleep its state is what it was on that very frame, however the
    // blocks fall.
    for (std::uint32_t at = 0; at < nframes;) {
        if (bus.asleep) {
            const std::uint32_t sound = firstSound(in, numIn, at, nframes);
            for (int c = 0; c < numOut; ++c)
                zero(out[c] + at, sound - at);
            if (sound == nframes)
                break;
            wake(graph, bus, stage);
            at = sound;
        }
        if (!sleeps) {
            computeRange(graph, stage, at, nframes);
            break;
        }
        const std::uint64_t untilSleep = bus.sleepAfterFrames - bus.quietFrames;
        const std::uint32_t to = untilSleep < nframes - at ? at + std::uint32_t(untilSleep) : nframes;
        computeRange(graph, stage, at, to);
        at = watchForSleep(bus, in, numIn, out, numOut, at, to);
        bus.asleep = bus.quietFrames >= bus.sleepAfterFrames; // from frame `at`, maybe the next block's first
    }
    mapChannels(out, numOut, signal, 2, nframes);
}

} // namespace backline::engine
