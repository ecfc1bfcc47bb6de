// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>

/// What a transport's values may be: the one statement of these rules, read by the session
/// loader, the control port (which answers a surface's bad value with the rule it broke) and
/// the audio thread's transport (which trusts what it is given). Constants and predicates only,
/// so the audio thread may include it; the words for them are in core/TransportText.h.
namespace backline::transport {

/// Slowest and fastest tempo, in beats per minute (a beat is the meter's denominator note).
inline constexpr double minBpm = 20.0;
inline constexpr double maxBpm = 400.0;
/// The tempo a session without `transport:` starts at.
inline constexpr double defaultBpm = 120.0;
/// Longest tempo glide, in seconds.
inline constexpr double maxGlideSeconds = 600.0;
/// Most beats a bar may have.
inline constexpr int maxBeatsPerBar = 64;
/// Largest meter denominator (a power of two from 1).
inline constexpr int maxBeatUnit = 64;
/// Furthest a locate may go, in seconds (a day) and in bars.
inline constexpr double maxLocateSeconds = 86'400.0;
inline constexpr std::int64_t maxLocateBar = 1'000'000;
/// JACK's ticks per beat in the BBT backline publishes as timebase master.
inline constexpr double ticksPerBeat = 1920.0;

/// A line of the time grid a quantised change may wait for.
enum class Boundary : std::uint8_t {
    Beat, ///< the next beat
    Bar,  ///< the next bar line
};

/// How backline's transport and JACK's relate (session key `transport.jack`).
enum class JackMode : std::uint8_t {
    Off,    ///< private: JACK's transport is neither read nor driven
    Follow, ///< JACK's transport leads (another app starts, stops, locates); backline follows it
    Lead,   ///< as Follow, and backline is JACK's timebase master: it publishes its bars and beats
};

/// [any] Whether bpm is a tempo backline keeps (false for NaN).
constexpr bool validTempo(double bpm) { return bpm >= minBpm && bpm <= maxBpm; }

/// [any] Whether a glide may last this long (false for NaN).
constexpr bool validGlide(double seconds) { return seconds >= 0.0 && seconds <= maxGlideSeconds; }

/// [any] Whether num/den is a meter: 1 … 64 beats to the bar, of a note value 1, 2, 4 … 64.
constexpr bool validMeter(int num, int den)
{
    return num >= 1 && num <= maxBeatsPerBar && den >= 1 && den <= maxBeatUnit && (den & (den - 1)) == 0;
}

} // namespace backline::transport
