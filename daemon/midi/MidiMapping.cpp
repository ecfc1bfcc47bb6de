// SPDX-License-Identifier: GPL-3.0-or-later
// MidiMapping: source text, curve names and the curves' maths. Pure functions, any thread.
#include "midi/MidiMapping.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace backline::midi {
namespace {

constexpr std::array kindWords {
    std::pair {MidiSource::Kind::Cc, "cc"},
    std::pair {MidiSource::Kind::Cc14, "cc14"},
    std::pair {MidiSource::Kind::Nrpn, "nrpn"},
    std::pair {MidiSource::Kind::Note, "note"},
    std::pair {MidiSource::Kind::Program, "program"},
};

constexpr std::array curveWords {
    std::pair {Curve::Linear, "linear"},
    std::pair {Curve::Log, "log"},
    std::pair {Curve::Db, "db"},
    std::pair {Curve::Toggle, "toggle"},
    std::pair {Curve::Momentary, "momentary"},
};

// The web surface's fader law (control/web/www/js/faderLaw.js): the top quarter of the travel
// is ±10 dB around unity where a mix lives, so a controller's fader feels like the tablet's.
constexpr std::array<std::pair<double, double>, 11> faderLaw {{
    {0.0, -120.0},
    {0.06, -80.0},
    {0.12, -60.0},
    {0.25, -40.0},
    {0.38, -30.0},
    {0.5, -20.0},
    {0.62, -10.0},
    {0.7, -5.0},
    {0.78, 0.0},
    {0.89, 6.0},
    {1.0, 12.0},
}};

template <bool TravelToDb>
double interpolateLaw(double x)
{
    auto from = [](const std::pair<double, double>& p) { return TravelToDb ? p.first : p.second; };
    auto to = [](const std::pair<double, double>& p) { return TravelToDb ? p.second : p.first; };
    if (!(x > from(faderLaw.front())))
        return to(faderLaw.front());
    for (std::size_t i = 1; i < faderLaw.size(); ++i) {
        if (x <= from(faderLaw[i])) {
            const double x0 = from(faderLaw[i - 1]);
            const double x1 = from(faderLaw[i]);
            return to(faderLaw[i - 1]) + (x - x0) / (x1 - x0) * (to(faderLaw[i]) - to(faderLaw[i - 1]));
        }
    }
    return to(faderLaw.back());
}

std::optional<int> parseInt(std::string_view text)
{
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc {} || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

int maxNumber(MidiSource::Kind kind)
{
    switch (kind) {
    case MidiSource::Kind::Cc14:
        return maxCc14Msb;
    case MidiSource::Kind::Nrpn:
        return maxFourteenBit;
    default:
        return maxSevenBit;
    }
}

double clampTravel(double travel) { return std::isfinite(travel) ? std::clamp(travel, 0.0, 1.0) : 0.0; }

} // namespace

const char* toString(MidiSource::Kind kind)
{
    for (const auto& [k, word] : kindWords)
        if (k == kind)
            return word;
    return "?";
}

const char* toString(Curve curve)
{
    for (const auto& [c, word] : curveWords)
        if (c == curve)
            return word;
    return "?";
}

std::optional<Curve> parseCurve(std::string_view word)
{
    for (const auto& [c, w] : curveWords)
        if (word == w)
            return c;
    return std::nullopt;
}

std::optional<MidiSource::Kind> parseKind(std::string_view word)
{
    for (const auto& [k, w] : kindWords)
        if (word == w)
            return k;
    return std::nullopt;
}

std::string toString(const MidiSource& source)
{
    std::string text = fmt::format("{}:{}", toString(source.kind), source.number);
    if (source.channel != 0)
        text += fmt::format("@{}", source.channel);
    return text;
}

Result<MidiSource> parseSource(std::string_view text)
{
    auto bad = [&](std::string_view why) {
        return makeError(ErrorCode::Midi,
            fmt::format("MIDI source '{}' {}: write kind:number[@channel], e.g. cc:7, cc:7@1, cc14:1, "
                        "nrpn:1000, note:36@10, program:5",
                text, why));
    };
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return bad("has no ':'");
    const auto kind = parseKind(text.substr(0, colon));
    if (!kind)
        return bad("names no kind (cc, cc14, nrpn, note, program)");
    std::string_view rest = text.substr(colon + 1);
    MidiSource source;
    source.kind = *kind;
    if (const auto at = rest.find('@'); at != std::string_view::npos) {
        const auto channel = parseInt(rest.substr(at + 1));
        if (!channel)
            return bad("has no channel number after '@'");
        source.channel = *channel;
        rest = rest.substr(0, at);
    }
    const auto number = parseInt(rest);
    if (!number)
        return bad("has no number");
    source.number = *number;
    if (auto problem = sourceProblem(source); !problem.empty())
        return bad(problem);
    return source;
}

std::string sourceProblem(const MidiSource& source)
{
    if (source.channel < 0 || source.channel > 16)
        return fmt::format("channel {} is not 1–16 (or 0 for every channel)", source.channel);
    const int max = maxNumber(source.kind);
    if (source.number < 0 || source.number > max) {
        if (source.kind == MidiSource::Kind::Cc14)
            return fmt::format("a 14-bit pair's controller {} is not 0–31 (its LSB is the number + 32)", source.number);
        return fmt::format("{} number {} is not 0–{}", toString(source.kind), source.number, max);
    }
    return {};
}

Curve curveFor(const ParamTraits& param)
{
    if (param.toggle)
        return Curve::Toggle;
    if (param.trigger)
        return Curve::Momentary;
    if (param.dbUnit)
        return Curve::Db;
    if (param.logScale && param.min > 0.0 && param.max > 0.0)
        return Curve::Log;
    return Curve::Linear;
}

Result<MappedRange> resolveRange(const MidiMapping& mapping, const ParamTraits& param)
{
    MappedRange range;
    range.curve = mapping.curve.value_or(curveFor(param));
    range.min = mapping.min.value_or(param.min);
    range.max = mapping.max.value_or(param.max);
    auto bad = [&](std::string why) {
        return makeError(ErrorCode::Midi, fmt::format("MIDI {} → {}: {}", toString(mapping.source), mapping.address, why));
    };
    if (!std::isfinite(range.min) || !std::isfinite(range.max))
        return bad("min and max must be numbers");
    const double lo = std::min(param.min, param.max);
    const double hi = std::max(param.min, param.max);
    for (const double end : {range.min, range.max})
        if (end < lo || end > hi)
            return bad(fmt::format("{} is outside the parameter's range {} … {}", end, lo, hi));
    if (range.curve == Curve::Log && !(range.min * range.max > 0.0))
        return bad(fmt::format("a log curve needs min and max of one sign, neither 0 (they are {} and {})", range.min,
            range.max));
    if (range.curve == Curve::Db && !param.dbUnit)
        return bad("a db curve needs a parameter in dB (use linear or log)");
    if (range.curve == Curve::Db && range.max < range.min)
        return bad("a db curve runs up, as a fader does: give min below max (or use linear to turn it around)");
    if ((range.curve == Curve::Toggle || range.curve == Curve::Momentary) && range.min == range.max)
        return bad("a toggle or momentary mapping needs min and max apart");
    return range;
}

double valueAt(const MappedRange& range, double travel)
{
    const double t = clampTravel(travel);
    switch (range.curve) {
    case Curve::Log: {
        // The ends exactly, and nothing past them: pow() may land an ulp beyond max, which the
        // parameter's range check would refuse.
        if (t <= 0.0 || t >= 1.0)
            return t <= 0.0 ? range.min : range.max;
        const double v = range.min * std::pow(range.max / range.min, t);
        return std::clamp(v, std::min(range.min, range.max), std::max(range.min, range.max));
    }
    case Curve::Db:
        return std::clamp(faderDb(t), std::min(range.min, range.max), std::max(range.min, range.max));
    case Curve::Toggle:
    case Curve::Momentary:
        return t >= 0.5 ? range.max : range.min;
    case Curve::Linear:
        break;
    }
    return range.min + t * (range.max - range.min);
}

double travelOf(const MappedRange& range, double value)
{
    if (!std::isfinite(value))
        return 0.0;
    const double lo = std::min(range.min, range.max);
    const double hi = std::max(range.min, range.max);
    const double v = std::clamp(value, lo, hi);
    switch (range.curve) {
    case Curve::Log:
        return clampTravel(std::log(v / range.min) / std::log(range.max / range.min));
    case Curve::Db:
        return clampTravel(faderTravel(v));
    case Curve::Toggle:
    case Curve::Momentary:
        return std::abs(v - range.max) <= std::abs(v - range.min) ? 1.0 : 0.0;
    case Curve::Linear:
        break;
    }
    return range.max == range.min ? 0.0 : clampTravel((v - range.min) / (range.max - range.min));
}

double faderDb(double travel) { return interpolateLaw<true>(travel); }

double faderTravel(double db) { return interpolateLaw<false>(db); }

} // namespace backline::midi
