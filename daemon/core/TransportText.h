// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/TransportRules.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

/// The transport's rules (core/TransportRules.h) in words: names as the session file and OSC
/// spell them, and what is wrong with a value, said once for the session loader and the
/// control port alike.
namespace backline::transport {

/// A position as a musician names it: bar and beat, both counted from 1.
struct BarBeat {
    std::int64_t bar = 1;
    int beat = 1;
};

/// [any] "off", "follow" or "lead".
std::string_view jackModeName(JackMode mode);
/// [any] The mode a session names, if it names one.
std::optional<JackMode> parseJackMode(std::string_view text);
/// [any] "beat" or "bar".
std::string_view boundaryName(Boundary boundary);

/// [any] What is wrong with bpm as a tempo, in words; empty when it is one.
std::string tempoProblem(double bpm);
/// [any] What is wrong with a glide of this many seconds; empty when it may last that long.
std::string glideProblem(double seconds);
/// [any] What is wrong with num/den as a meter; empty when it is one.
std::string meterProblem(int num, int den);
/// [any] What is wrong with a locate to this many seconds; empty when the transport may go there.
std::string locateProblem(double seconds);

/// [any] Reads "bar.beat" (two whole numbers from 1, e.g. "17.3"); nullopt when text is not
/// that. Whether the beat fits the meter is the caller's to check (beatProblem).
std::optional<BarBeat> parseBarBeat(std::string_view text);
/// [any] What is wrong with beat in a bar of beatsPerBar beats; empty when it is in the bar.
std::string beatProblem(int beat, int beatsPerBar);

} // namespace backline::transport
