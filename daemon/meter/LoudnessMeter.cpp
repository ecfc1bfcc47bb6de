// SPDX-License-Identifier: GPL-3.0-or-later
// EBU R128 loudness through libebur128, on the meter thread (see LoudnessMeter.h).
#include "meter/LoudnessMeter.h"

#include "core/Decibels.h"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace backline::meter {

namespace {

constexpr int modes = EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK;

ebur128_state* makeState(int sampleRate)
{
    ebur128_state* state = ebur128_init(2, static_cast<unsigned long>(sampleRate), modes);
    if (!state)
        throw std::bad_alloc();
    return state;
}

} // namespace

struct LoudnessMeter::State {
    explicit State(int sampleRate)
        : ebu(makeState(sampleRate))
    {
    }
    ~State() { ebur128_destroy(&ebu); }
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ebur128_state* ebu;
};

LoudnessMeter::LoudnessMeter(int sampleRate)
    : sampleRate_(sampleRate)
    , state_(std::make_unique<State>(sampleRate))
{
}

LoudnessMeter::~LoudnessMeter() = default;

void LoudnessMeter::add(const float* interleaved, std::size_t frames)
{
    if (frames > 0)
        ebur128_add_frames_float(state_->ebu, interleaved, frames);
}

void LoudnessMeter::reset()
{
    state_ = std::make_unique<State>(sampleRate_);
}

Loudness LoudnessMeter::read() const
{
    Loudness l;
    double value = 0.0;
    if (ebur128_loudness_momentary(state_->ebu, &value) == EBUR128_SUCCESS)
        l.momentary = value;
    if (ebur128_loudness_shortterm(state_->ebu, &value) == EBUR128_SUCCESS)
        l.shortTerm = value;
    if (ebur128_loudness_global(state_->ebu, &value) == EBUR128_SUCCESS)
        l.integrated = value;
    if (ebur128_loudness_range(state_->ebu, &value) == EBUR128_SUCCESS)
        l.range = value;
    double peak = 0.0;
    for (unsigned c = 0; c < 2; ++c)
        if (ebur128_true_peak(state_->ebu, c, &value) == EBUR128_SUCCESS)
            peak = std::max(peak, value);
    l.truePeak = gainToDb(peak);
    return l;
}

} // namespace backline::meter
