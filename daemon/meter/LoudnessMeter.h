// SPDX-License-Identifier: GPL-3.0-or-later
// LoudnessMeter: EBU R128 loudness of the master, off the audio thread.
#pragma once

#include "port/Meters.h"

#include <cmath>
#include <cstddef>
#include <memory>

namespace backline::meter {

/// EBU R128 loudness of the master (port/Meters.h), computed by libebur128 off the audio thread.
using port::Loudness;

/// Feeds interleaved stereo frames to libebur128. Not thread-safe: MeterBank calls it under its
/// lock, adding and resetting on the meter thread, reading for whoever takes a snapshot.
class LoudnessMeter {
public:
    explicit LoudnessMeter(int sampleRate);
    ~LoudnessMeter();
    LoudnessMeter(const LoudnessMeter&) = delete;
    LoudnessMeter& operator=(const LoudnessMeter&) = delete;

    /// Adds frames of interleaved stereo audio.
    void add(const float* interleaved, std::size_t frames);
    /// Starts integrated loudness, range and true peak afresh.
    void reset();
    /// The current readings (-inf LUFS before there is enough audio).
    Loudness read() const;
    int sampleRate() const noexcept { return sampleRate_; }

private:
    int sampleRate_;
    struct State; // libebur128's state, kept out of this header
    std::unique_ptr<State> state_;
};

} // namespace backline::meter
