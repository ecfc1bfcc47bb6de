// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <span>

/// True-peak measurement for the tests, independent of the limiter's own estimate.
namespace backline::test {

/// True peak of samples in dBTP (-400 for silence): the largest absolute value of the signal
/// upsampled 4x as ITU-R BS.1770-4 Annex 2 describes, with a longer and flatter interpolator
/// than the standard's 48-tap example: a Kaiser-windowed sinc (beta 8, 64 taps per phase,
/// computed in double), within 0.001 dB of ideal reconstruction up to 20 kHz at 48 kHz. The
/// signal is taken as silent outside the span: an abrupt start or end rings (as it would on a DAC).
double truePeakDb(std::span<const float> samples);

/// True peak of signal[from, to) in dBTP, each point interpolated from the samples around it in
/// signal: use it to leave out the ringing of a render cut off while the signal still plays.
double truePeakDb(std::span<const float> signal, std::size_t from, std::size_t to);

/// The same measurement with another Kaiser-windowed sinc (halfTaps taps each side of the point),
/// to check that a result does not hinge on one filter design.
double truePeakDbWith(std::span<const float> signal, int halfTaps, double beta);

} // namespace backline::test
