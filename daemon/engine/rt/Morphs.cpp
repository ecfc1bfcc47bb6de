// SPDX-License-Identifier: GPL-3.0-or-later
// Morphs on the audio thread: started by a batch with a fade, advanced a stretch at a time,
// taken over by a later morph or set (see Morphs.h).
#include "engine/rt/Morphs.h"

#include <algorithm>

namespace backline::engine {

void Morphs::prepare(std::size_t params)
{
    table_ = std::make_unique<Morph[]>(params);
    active_ = std::make_unique<ParamId[]>(params);
    size_ = params;
    count_ = 0;
    nextEnd_ = UINT64_MAX;
}

void Morphs::start(std::span<ParamSlot> slots, ParamId param, float target, std::uint64_t frame,
    std::uint32_t frames) noexcept
{
    if (param >= size_ || param >= slots.size())
        return;
    ParamSlot& slot = slots[param];
    const float now = slot.value();
    Morph& morph = table_[param];
    MorphCurve curve = slot.curve;
    if (curve == MorphCurve::Geometric && !(now > 0.0f && target > 0.0f))
        curve = MorphCurve::Linear; // no ratio between a value ≤ 0 and another
    if (curve == MorphCurve::Step && !(target < now)) {
        // Rising (or staying): at the start.
        cancel(param);
        slot.set(target);
        return;
    }
    morph.from = morphDomain(curve, now);
    morph.to = morphDomain(curve, target);
    morph.target = target;
    morph.low = std::min(now, target);
    morph.high = std::max(now, target);
    morph.start = frame;
    morph.end = frame + std::max<std::uint32_t>(frames, 1);
    morph.curve = curve;
    if (morph.active == none) {
        morph.active = std::uint32_t(count_);
        active_[count_++] = param;
    }
    nextEnd_ = std::min(nextEnd_, morph.end);
}

float Morphs::valueAt(const Morph& morph, std::uint64_t frame) noexcept
{
    if (frame >= morph.end)
        return morph.target;
    const double t = double(frame - morph.start) / double(morph.end - morph.start);
    return std::clamp(morphValue(morph.curve, morph.from + (morph.to - morph.from) * t), morph.low, morph.high);
}

void Morphs::advance(std::span<ParamSlot> slots, std::uint64_t from, std::uint64_t to) noexcept
{
    std::uint64_t next = UINT64_MAX;
    for (std::size_t i = 0; i < count_;) {
        const ParamId param = active_[i];
        Morph& morph = table_[param];
        if (morph.end <= from) {
            // Done: a continuous parameter is at its target already (the last stretch ended
            // there); a step switches now, on the fade's last frame boundary.
            if (morph.curve == MorphCurve::Step)
                slots[param].set(morph.target);
            remove(std::uint32_t(i)); // moves the last active morph into i: look at i again
            continue;
        }
        if (morph.curve != MorphCurve::Step)
            slots[param].glideTo(valueAt(morph, to), std::uint32_t(to - from));
        if (morph.end > to)
            next = std::min(next, morph.end);
        ++i;
    }
    // Morphs ending exactly at `to` finish at the next advance, which starts there.
    nextEnd_ = next;
}

void Morphs::remove(std::uint32_t index) noexcept
{
    const ParamId param = active_[index];
    table_[param].active = none;
    const ParamId last = active_[--count_];
    if (last != param) {
        active_[index] = last;
        table_[last].active = index;
    }
}

} // namespace backline::engine
