// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's output fades, on the audio thread (see Fades.h).
#include "engine/rt/Fades.h"

#include "core/Config.h"
#include "engine/rt/GraphRunner.h"

#include <algorithm>

namespace backline::engine {

namespace {

/// Frames a fade lasts at sampleRate (at least one).
std::uint32_t fadeFrames(int sampleRate) noexcept BACKLINE_NONBLOCKING
{
    return std::max<std::uint32_t>(1, std::uint32_t(config::reloadCrossfadeSeconds * sampleRate));
}

} // namespace

ReloadFade::ReloadFade(Retirer& retirer)
    : retirer_(retirer)
    , scratch_(2 * std::size_t(config::maxBlockFrames), 0.0f)
{
}

void ReloadFade::start(Graph* current, const Graph* incoming, Swap swap) noexcept
{
    if (outgoing_) {
        retirer_.retire(Event {Event::Type::GraphRetired, outgoing_, nullptr});
        outgoing_ = nullptr;
    }
    fadingIn_ = false;
    if (current && incoming) {
        if (swap == Swap::Crossfade && current->sampleRate == incoming->sampleRate)
            outgoing_ = current;
        else
            retirer_.retire(Event {Event::Type::GraphRetired, current, nullptr});
        fadingIn_ = outgoing_ == nullptr;
        length_ = fadeFrames(incoming->sampleRate);
        done_ = 0;
    } else {
        if (current)
            retirer_.retire(Event {Event::Type::GraphRetired, current, nullptr});
        fading_.store(false, std::memory_order_release); // pairs with crossfading()'s acquire
    }
}

void ReloadFade::mix(const float* const* inputs, std::size_t numInputs, float* const* outputs,
    std::uint32_t nframes, NodeScheduler* workers, std::uint64_t frame) noexcept
{
    if (outgoing_ && nframes > outgoing_->maxFrames)
        done_ = length_; // cannot run it: let it go
    if (done_ < length_ && nframes > 0) {
        float* scratch[2] = {scratch_.data(), scratch_.data() + config::maxBlockFrames};
        if (outgoing_) {
            BlockIo io;
            io.inputs = inputs;
            io.numInputs = numInputs;
            io.outputs = scratch;
            io.numOutputs = 2;
            io.workers = workers;
            io.frame = frame;
            runGraph(*outgoing_, io, nframes); // no taps, no meters: those belong to the new graph
        }
        const std::uint32_t n = std::min(nframes, length_ - done_);
        for (int c = 0; c < 2; ++c) {
            if (!outputs || !outputs[c])
                continue;
            for (std::uint32_t i = 0; i < n; ++i) {
                const float in = smoothstep(float(done_ + i + 1) / float(length_));
                outputs[c][i] = in * outputs[c][i] + (outgoing_ ? (1.0f - in) * scratch[c][i] : 0.0f);
            }
        }
        done_ += n;
    }
    if (done_ >= length_)
        finish();
}

void ReloadFade::cut() noexcept
{
    if (!active())
        return;
    done_ = length_;
    finish();
}

void ReloadFade::finish() noexcept
{
    if (outgoing_)
        retirer_.retire(Event {Event::Type::GraphRetired, outgoing_, nullptr});
    outgoing_ = nullptr;
    fadingIn_ = false;
    fading_.store(false, std::memory_order_release); // pairs with crossfading()'s acquire
}

void StopFade::apply(float* const* outputs, std::size_t numOutputs, std::uint32_t nframes, int sampleRate) noexcept
{
    if (!requested_.load(std::memory_order_acquire)) // pairs with request()'s release
        return;
    const std::uint32_t length = fadeFrames(sampleRate);
    for (std::uint32_t i = 0; i < nframes; ++i) {
        float gain = 0.0f;
        if (framesDone_ < length) {
            gain = 1.0f - smoothstep(float(framesDone_ + 1) / float(length));
            ++framesDone_;
        }
        for (std::size_t c = 0; c < numOutputs; ++c)
            if (outputs[c])
                outputs[c][i] *= gain;
    }
    if (framesDone_ >= length)
        done_.store(true, std::memory_order_release); // pairs with done()'s acquire
}

} // namespace backline::engine
