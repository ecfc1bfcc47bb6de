// SPDX-License-Identifier: GPL-3.0-or-later
// An instrument's voices rendered for one stretch (see Instrument.h).
#include "engine/rt/Instrument.h"

#include "core/Config.h"
#include "engine/Graph.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace backline::engine {

bool VoiceInbox::push(const VoiceEvent& event) noexcept
{
    if (count_ == capacity)
        return false;
    if (head_ + count_ == capacity) { // at the array's end: move the events back to its start
        std::copy(events_.begin() + std::ptrdiff_t(head_), events_.end(), events_.begin());
        head_ = 0;
    }
    // After every event of the same frame or earlier: the order they came in stays.
    std::size_t at = head_ + count_;
    while (at > head_ && events_[at - 1].frame > event.frame) {
        events_[at] = events_[at - 1];
        --at;
    }
    events_[at] = event;
    ++count_;
    return true;
}

void VoiceInbox::pop() noexcept
{
    if (count_ == 0)
        return;
    ++head_;
    if (--count_ == 0)
        head_ = 0;
}

bool Instrument::send(const VoiceEvent& event) noexcept
{
    if (inbox.push(event))
        return true;
    droppedEvents.fetch_add(1, std::memory_order_relaxed); // a statistic
    return false;
}

void Instrument::writeControls(std::size_t v) noexcept
{
    const Voice& voice = voices.voice(v);
    const VoiceZones& z = zones[v];
    const float semitones = float(voice.note) - 69.0f + voices.bend() * bendSemitones;
    if (z.freq)
        *z.freq = 440.0f * std::exp2(semitones / 12.0f);
    if (z.gain)
        *z.gain = voice.velocity;
    if (z.gate && voice.state != Voice::State::Stolen) // a stolen voice fades as it was, not released
        *z.gate = voice.state == Voice::State::Held || voice.state == Voice::State::Sustained ? 1.0f : 0.0f;
    const std::size_t slots = stages.size();
    if (v != 0)
        for (std::size_t p = 0; p < numShared; ++p)
            *shared[p * slots + v] = *shared[p * slots];
}

void Instrument::render(Graph& graph, std::uint64_t frame, float* const* out, int channels, std::uint32_t n) noexcept
{
    for (int c = 0; c < channels; ++c)
        std::memset(out[c], 0, n * sizeof(float));
    const DspStage& first = graph.stages[stages.front()];
    std::uint32_t pos = 0;
    while (pos < n) {
        while (const VoiceEvent* e = inbox.front()) {
            if (e->frame > frame + pos)
                break;
            voices.apply(*e);
            inbox.pop();
        }
        std::uint32_t end = n;
        if (const VoiceEvent* e = inbox.front(); e && e->frame < frame + n)
            end = std::uint32_t(e->frame - frame);
        // A note let go on the frame it started sounds for one frame first, so its voice sees
        // its gate rise (a drum hit from a pad's on and off in one bundle still hits).
        const bool releaseWaiting = voices.releaseWaiting();
        if (releaseWaiting)
            end = std::min(end, pos + 1);
        // A session's DSP's controls glide in the engine (Smoothing::Engine): in slices, as
        // rt/StageRunner does for a single DSP, so every voice follows the ramp.
        bool ramping = false;
        for (ParamId id : first.rampedParams)
            ramping = ramping || graph.slots[id].ramping();
        if (ramping) {
            end = std::min(end, pos + config::smoothingSliceFrames);
            for (ParamId id : first.rampedParams)
                graph.slots[id].advance(end - pos);
        }
        renderSpan(graph, out, channels, pos, end - pos);
        if (releaseWaiting)
            voices.releaseDue();
        pos = end;
    }
}

void Instrument::renderSpan(Graph& graph, float* const* out, int channels, std::uint32_t offset, std::uint32_t n) noexcept
{
    // The exponent of 2^16 and above (infinity and NaN included): a voice gone wrong.
    constexpr std::uint32_t exponent = 0x7f800000u;
    constexpr std::uint32_t limit = (127u + 16u) << 23;
    float* noInputs[1] = {nullptr}; // an instrument's voice takes no audio input
    for (std::size_t v = 0; v < stages.size(); ++v) {
        const Voice& voice = voices.voice(v);
        if (voice.state == Voice::State::Free)
            continue;
        DspStage& stage = graph.stages[stages[v]];
        if (voice.start) {
            stage.dsp->clear(); // each note starts from rest: its envelopes at 0, its filters empty
            voices.started(v);
        }
        writeControls(v);
        float* const* wet = stage.out.pointers();
        stage.dsp->compute(int(n), noInputs, const_cast<float**>(wet));
        const int k = stage.dsp->numOutputs();

        float peak = 0.0f;
        std::uint32_t bad = 0;
        for (int c = 0; c < k; ++c) {
            for (std::uint32_t i = 0; i < n; ++i) {
                std::uint32_t bits;
                std::memcpy(&bits, &wet[c][i], sizeof bits);
                bad |= std::uint32_t((bits & exponent) >= limit);
                peak = std::max(peak, std::fabs(wet[c][i]));
            }
        }
        if (bad != 0) {
            stage.dsp->clear();
            voices.silence(v);
            if (graph.stageFaults)
                graph.stageFaults[stages[v]].fetch_add(1, std::memory_order_relaxed); // a count
            continue;
        }
        if (voice.state == Voice::State::Stolen) {
            // The steal fade: a straight line from where the fade stands down to 0.
            const float total = float(voices.stealFadeFrames());
            for (int c = 0; c < k; ++c)
                for (std::uint32_t i = 0; i < n; ++i)
                    wet[c][i] *= i < voice.fadeLeft ? float(voice.fadeLeft - i) / total : 0.0f;
        }
        for (int c = 0; c < channels; ++c) {
            float* to = out[c] + offset;
            if (k == 1 || c < k) {
                const float* from = wet[k == 1 ? 0 : c];
                for (std::uint32_t i = 0; i < n; ++i)
                    to[i] += from[i];
            }
        }
        if (channels == 1 && k >= 2) { // a stereo voice on a mono track: its average
            float* to = out[0] + offset;
            for (std::uint32_t i = 0; i < n; ++i)
                to[i] += 0.5f * (wet[1][i] - wet[0][i]); // with the left already added: (L + R) / 2
        }
        voices.after(v, n, peak);
    }
}

} // namespace backline::engine
