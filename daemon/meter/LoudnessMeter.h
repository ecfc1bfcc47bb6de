// SPDX-License-Identifier: GPL-3.0-or-later
// LoudnessMeter: EBU R128 loudness of the master, off the audio thread.
#pragma once

#include <cmath>
#include <cstddef>
#include <memory>

namespace backline::meter {

/// EBU R128 loudness of the master: momentary, short-term and integrated loudness, loudness
/// range and true peak, computed by libebur128 off the audio thread.
struct Loudness {
    double momentary = -HUGE_VAL;  ///< LUFS, 400 ms window
    double shortTerm = -HUGE_VAL;  ///< LUFS, 3 s window
    double integrated = -HUGE_VAL; ///< LUFS, gated, since the last reset
    double range = 0.0;            ///< LU (loudness range, EBU Tech 3342)
    double truePeak = -HUGE_VAL;   ///< dBTP, maximum of both channels since the last reset
};

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
