// SPDX-License-Identifier: GPL-3.0-or-later
// Morphs: parameters on their way to new values over a fade, each along its own curve, run by
// the audio thread a stretch at a time. One per graph, sized when the graph is built; then the
// audio thread's alone.
#pragma once

#include "core/Nonblocking.h"
#include "engine/ParamInfo.h"
#include "engine/rt/MorphCurve.h"
#include "engine/rt/ParamSlot.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace backline::engine {

/// The morphs running in one graph: at most one per parameter, in a fixed table (no allocation
/// on the audio thread) with a list of the active ones, so a block costs in proportion to what
/// is morphing. The block is cut into stretches (BlockProcessor): each stretch, advance() sets
/// every morphing parameter to where its curve will be at the stretch's end, and a morph ends
/// exactly on a stretch boundary (nextEnd()), where it lands on its target.
class Morphs {
public:
    /// [control] Room for params parameters, none morphing. Allocates: before the graph is installed.
    void prepare(std::size_t params);

    /// [audio] Moves param (a slot of slots) from where it is now to target over frames (≥ 1)
    /// from frame on, taking over from any morph it is in. A Step parameter does not glide: it
    /// is set now when target is above its value (a switch turning on) and at the end when below
    /// (turning off).
    void start(std::span<ParamSlot> slots, ParamId param, float target, std::uint64_t frame,
        std::uint32_t frames) noexcept BACKLINE_NONBLOCKING;

    /// [audio] Stops param's morph where it has got to (a plain set takes over from there).
    void cancel(ParamId param) noexcept BACKLINE_NONBLOCKING
    {
        if (param < size_ && table_[param].active != none)
            remove(table_[param].active);
    }

    /// [audio] Sets every morphing parameter for the stretch [from, to): to where its curve is at
    /// `to` (reached at once or by the parameter's own smoothing: ParamSlot::glideTo). Morphs
    /// that ended at or before `from` are done; a Step morph switches then. `to` must not be past
    /// nextEnd().
    void advance(std::span<ParamSlot> slots, std::uint64_t from, std::uint64_t to) noexcept BACKLINE_NONBLOCKING;

    /// [audio] True while any parameter is morphing.
    bool active() const noexcept BACKLINE_NONBLOCKING { return count_ != 0; }
    /// [audio] The earliest end, after the stretch last advanced, of a running morph (UINT64_MAX:
    /// none): the next stretch must stop there so the morph lands on its frame.
    std::uint64_t nextEnd() const noexcept BACKLINE_NONBLOCKING { return nextEnd_; }
    /// [any] Parameters morphing now (for tests: read it on the audio thread or with it stopped).
    std::size_t count() const noexcept { return count_; }

private:
    static constexpr std::uint32_t none = UINT32_MAX;

    /// One parameter's morph, in the domain of its curve (morphDomain).
    struct Morph {
        double from = 0.0;        ///< domain position at start
        double to = 0.0;          ///< domain position at the end
        float target = 0.0f;      ///< the value it lands on, exactly
        float low = 0.0f;         ///< values stay between the two ends, whatever the rounding
        float high = 0.0f;
        std::uint64_t start = 0;
        std::uint64_t end = 0;
        std::uint32_t active = none; ///< its index in active_, or none
        MorphCurve curve = MorphCurve::Linear;
    };

    void remove(std::uint32_t index) noexcept BACKLINE_NONBLOCKING;
    static float valueAt(const Morph& morph, std::uint64_t frame) noexcept BACKLINE_NONBLOCKING;

    std::unique_ptr<Morph[]> table_;     // by ParamId
    std::unique_ptr<ParamId[]> active_;  // the parameters morphing, in no order
    std::size_t size_ = 0;
    std::size_t count_ = 0;
    std::uint64_t nextEnd_ = UINT64_MAX;
};

} // namespace backline::engine
