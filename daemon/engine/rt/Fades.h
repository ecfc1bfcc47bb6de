// SPDX-License-Identifier: GPL-3.0-or-later
// The fades the engine puts on its output so that nothing it does clicks: a reload's crossfade
// from the old graph to the new (or a fade-in from silence), and the fade to silence as the
// daemon stops. Run by the audio thread; the control side only asks and watches.
#pragma once

#include "core/Nonblocking.h"
#include "engine/Command.h"
#include "engine/Graph.h"
#include "engine/rt/Retirer.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace backline::engine {

class NodeScheduler;

/// [audio] The gain of a fade in at t (0 … 1): a smoothstep, which starts and ends without a
/// corner, and whose complement 1 - smoothstep(t) fades out so that the two sum to one.
inline float smoothstep(float t) noexcept BACKLINE_NONBLOCKING
{
    return t * t * (3.0f - 2.0f * t);
}

/// A graph swap without a click: the old graph keeps running on its own inputs for
/// config::reloadCrossfadeSeconds, mixed out as the new one comes in; or, when the old graph
/// cannot run (its ports gone with their JACK server, another sample rate), the new one fades
/// in from silence. The fade is mixed into the new graph's master before it is played, recorded
/// and metered. The old graph is retired once the fade is over.
class ReloadFade {
public:
    /// [control] Retires through retirer.
    explicit ReloadFade(Retirer& retirer);

    /// [control] A swap was queued: crossfading() is true from now until the audio thread
    /// runs the new graph alone.
    void announce() noexcept { fading_.store(true, std::memory_order_relaxed); } // published by the queue's push
    /// [control] True from announce() until the fade (if any) of the swap is over: until then
    /// the old graph's ports are still in use.
    bool crossfading() const noexcept { return fading_.load(std::memory_order_acquire); } // pairs with finish()'s release

    /// [audio] incoming takes over from current (either may be null): a crossfade from current
    /// (Swap::Crossfade at the same sample rate), a fade-in from silence (Swap::FadeIn, another
    /// rate), or none when nothing ran or nothing comes. Whatever stops at once is retired, a
    /// fade still under way included (the daemon waits for fades, so that is an oddity).
    void start(Graph* current, const Graph* incoming, Swap swap) noexcept BACKLINE_NONBLOCKING;
    /// [audio] True while a fade is under way: mix() must run into every block.
    bool active() const noexcept BACKLINE_NONBLOCKING { return outgoing_ || fadingIn_; }
    /// [audio] The graph fading out (it still needs its inputs), or null.
    const Graph* outgoing() const noexcept BACKLINE_NONBLOCKING { return outgoing_; }
    /// [audio] The next nframes of the fade: runs the outgoing graph on inputs (in the order of
    /// its own inputs; null = silence) and mixes it out of outputs (the new graph's master, two
    /// channels, null = none) as outputs fades in; on workers when given; frame: the engine frame
    /// of the first (what the outgoing graph's nodes see as NodeRun::frame).
    void mix(const float* const* inputs, std::size_t numInputs, float* const* outputs, std::uint32_t nframes,
        NodeScheduler* workers = nullptr, std::uint64_t frame = 0) noexcept BACKLINE_NONBLOCKING;
    /// [audio] Ends a fade at once (no graph can run this block).
    void cut() noexcept BACKLINE_NONBLOCKING;

private:
    void finish() noexcept BACKLINE_NONBLOCKING;

    Retirer& retirer_;
    Graph* outgoing_ = nullptr; // the graph fading out, while done_ < length_
    bool fadingIn_ = false;     // a fade from silence (outgoing_ is null) is under way
    std::uint32_t length_ = 0;
    std::uint32_t done_ = 0;
    std::vector<float> scratch_; // the outgoing graph's two output channels
    std::atomic<bool> fading_ {false};
};

/// The daemon stopping (a restart under systemd, the end of the night) must not end in a
/// click: once asked, the outputs fade to silence over config::reloadCrossfadeSeconds (the
/// mirror of a reload's fade-in) and stay silent. What taps record is not faded.
class StopFade {
public:
    /// [control] Starts the fade with the next block.
    void request() noexcept { requested_.store(true, std::memory_order_release); } // pairs with apply()'s acquire
    /// [control] True once the outputs are silent.
    bool done() const noexcept { return done_.load(std::memory_order_acquire); } // pairs with apply()'s release

    /// [audio] Fades the block's outputs (null = none) once requested; sampleRate sets the length.
    void apply(float* const* outputs, std::size_t numOutputs, std::uint32_t nframes, int sampleRate) noexcept
        BACKLINE_NONBLOCKING;

private:
    std::atomic<bool> requested_ {false};
    std::atomic<bool> done_ {false};
    std::uint32_t framesDone_ = 0; // audio thread only
};

} // namespace backline::engine
