// SPDX-License-Identifier: GPL-3.0-or-later
// MidiMapping: what a MIDI controller's knob, fader, pad or program change is bound to, as the
// session file and every surface write it, and the curves that turn a control's travel into a
// parameter's value and back. Plain values and pure functions, usable from any thread.
#pragma once

#include "core/Result.h"

#include <optional>
#include <string>
#include <string_view>

namespace backline::midi {

/// Which controller a mapping listens to.
struct MidiSource {
    enum class Kind {
        Cc,      ///< a 7-bit control change (0–127)
        Cc14,    ///< a 14-bit pair: MSB on controller number (0–31), LSB on number + 32
        Nrpn,    ///< a non-registered parameter number (0–16383): CC 99/98 select, 6/38 carry the value
        Note,    ///< a key or pad: on and off
        Program, ///< a program change (recalls a scene)
    };
    Kind kind = Kind::Cc;
    int number = 0;  ///< the controller, NRPN, note or program number
    int channel = 0; ///< 1–16, or 0 for every channel
    bool operator==(const MidiSource&) const = default;
};

/// How a control's travel (0 … 1) becomes a value of the parameter's range.
enum class Curve {
    Linear,    ///< evenly from min to max
    Log,       ///< by ratios from min to max (a frequency, a time): both of one sign, not 0
    Db,        ///< a console fader's law over a parameter in dB (the web surface's): unity at 78 %
    Toggle,    ///< each press flips between min and max (a pad, a mute button)
    Momentary, ///< max while held, min when let go
};

/// One mapping: a controller bound to a parameter, or a program change to a scene.
struct MidiMapping {
    MidiSource source;
    std::string address;        ///< the parameter (empty for a program change's scene)
    std::string scene;          ///< Program: the scene it recalls (empty: the program's place in the scene list)
    std::optional<double> min;  ///< nullopt: the parameter's own
    std::optional<double> max;  ///< nullopt: the parameter's own
    std::optional<Curve> curve; ///< nullopt: the one the parameter calls for (curveFor)
    bool pickup = true;         ///< soft takeover: a knob acts once it meets the value
    bool operator==(const MidiMapping&) const = default;
};

/// Highest numbers a source may name.
inline constexpr int maxSevenBit = 127;
inline constexpr int maxFourteenBit = 16383;
inline constexpr int maxCc14Msb = 31;

/// "cc", "cc14", "nrpn", "note", "program".
const char* toString(MidiSource::Kind kind);
/// "linear", "log", "db", "toggle", "momentary".
const char* toString(Curve curve);
/// The curve a word names, if it names one.
std::optional<Curve> parseCurve(std::string_view word);
/// The kind a word names, if it names one.
std::optional<MidiSource::Kind> parseKind(std::string_view word);

/// A source as surfaces write it: "cc:7", "cc:7@1" (on channel 1 only), "cc14:1", "nrpn:1000",
/// "note:36@10", "program:5".
std::string toString(const MidiSource& source);
/// The source text names, or the error that says why not.
Result<MidiSource> parseSource(std::string_view text);
/// What is wrong with source's numbers (out of range for its kind); empty when they fit.
std::string sourceProblem(const MidiSource& source);

/// A mapping's range, resolved against its parameter's: the curve and both ends.
struct MappedRange {
    Curve curve = Curve::Linear;
    double min = 0.0;
    double max = 1.0;
};

/// Parameter traits a mapping's checks and defaults need (a subset of port::ParamInfo, so this
/// layer stays free of the daemon's ports).
struct ParamTraits {
    double min = 0.0;
    double max = 1.0;
    bool dbUnit = false;   ///< its unit is dB
    bool logScale = false; ///< it moves by ratios
    bool toggle = false;   ///< 0 or 1
    bool trigger = false;  ///< 1 while held
};

/// The curve a parameter calls for when a mapping names none: toggles toggle, triggers are
/// momentary, dB values move on the fader law, ratio-scaled ones on log, the rest linear.
Curve curveFor(const ParamTraits& param);
/// mapping's curve and range against its parameter: the mapping's own where it gives them,
/// checked to lie within the parameter's range and to suit the curve (log: one sign, not 0).
Result<MappedRange> resolveRange(const MidiMapping& mapping, const ParamTraits& param);

/// The value a continuous curve (Linear, Log, Db) gives a travel in 0 … 1 (clamped).
double valueAt(const MappedRange& range, double travel);
/// The travel (0 … 1) at which a continuous curve gives value (the nearest, clamped): the
/// position a motorised fader is sent to.
double travelOf(const MappedRange& range, double value);

/// The console fader law: dB at a travel (-120 at 0, 0 at 0.78, +12 at 1).
double faderDb(double travel);
/// The travel at which the fader law gives db.
double faderTravel(double db);

} // namespace backline::midi
