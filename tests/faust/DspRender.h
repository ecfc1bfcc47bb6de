// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "faust/DspFactory.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

/// Offline rendering of Faust DSP for the tests: no engine, no JACK.
namespace backline::test {

/// Sample rate every Faust test runs at.
inline constexpr int testSampleRate = 48000;

/// One audio signal per channel.
using Channels = std::vector<std::vector<float>>;

/// A fresh instance of the built-in called name at testSampleRate (fails the test if missing).
std::unique_ptr<faust::DspInstance> builtin(const std::string& name);

/// Sets the control at path (fails the test if there is none).
void setParam(faust::DspInstance& dsp, const std::string& path, float value);

/// Runs dsp over frames in blocks of blockFrames; inputs holds one signal per DSP input, each
/// at least frames long.
Channels render(faust::DspInstance& dsp, const Channels& inputs, std::size_t frames, std::size_t blockFrames = 256);

/// Seconds to frames at testSampleRate.
constexpr std::size_t frames(double seconds) { return std::size_t(seconds * testSampleRate); }

} // namespace backline::test
