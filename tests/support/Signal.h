// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <span>
#include <vector>

/// Measurements the tests make on rendered audio.
namespace backline::test {

/// RMS level of samples in dBFS (-inf for silence clamps to -400).
double rmsDb(std::span<const float> samples);
/// Peak absolute value of samples (0 for silence).
double peak(std::span<const float> samples);
/// Peak absolute value of x[from, to), clipped to x (0 for none).
double peak(const std::vector<float>& x, std::size_t from, std::size_t to);
/// Peak absolute level of samples in dBFS (-400 for silence).
double peakDb(std::span<const float> samples);
/// Level of one frequency component (Goertzel, Hann-windowed) as the dBFS peak of a sine.
double toneDb(std::span<const float> samples, double frequency, double sampleRate);
/// toneDb over consecutive chunks of chunkFrames, the median of them: a capture from a live
/// JACK server on a busy machine may hold a glitch (a period the dummy driver dropped), which
/// spoils the chunk it falls in and not the measurement.
double toneDbMedian(std::span<const float> samples, double frequency, double sampleRate, std::size_t chunkFrames = 4800);
/// A sine of `frequency` Hz with peak amplitude `amplitude`.
std::vector<float> sine(std::size_t frames, double frequency, double sampleRate, double amplitude);
/// The frames where x starts to move away from a value it held for 64 frames or more: a step,
/// smoothed or not, is one change at its first frame (a level's scene changes in a render).
std::vector<std::size_t> edges(std::span<const float> x);
/// The second half of v (skips smoothing ramps at the start of a render).
std::span<const float> settled(const std::vector<float>& v);

} // namespace backline::test
