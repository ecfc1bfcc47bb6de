// SPDX-License-Identifier: GPL-3.0-or-later
// The transport's rules in words (see TransportText.h).
#include "core/TransportText.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace backline::transport {

std::string_view jackModeName(JackMode mode)
{
    switch (mode) {
    case JackMode::Follow:
        return "follow";
    case JackMode::Lead:
        return "lead";
    case JackMode::Off:
        break;
    }
    return "off";
}

std::optional<JackMode> parseJackMode(std::string_view text)
{
    for (JackMode mode : {JackMode::Off, JackMode::Follow, JackMode::Lead})
        if (text == jackModeName(mode))
            return mode;
    return std::nullopt;
}

std::string_view boundaryName(Boundary boundary)
{
    return boundary == Boundary::Bar ? "bar" : "beat";
}

std::string tempoProblem(double bpm)
{
    if (validTempo(bpm))
        return {};
    return fmt::format("the tempo must be from {:g} to {:g} BPM, got {:g}", minBpm, maxBpm, bpm);
}

std::string glideProblem(double seconds)
{
    if (validGlide(seconds))
        return {};
    return fmt::format("a tempo glide lasts from 0 to {:g} s, got {:g}", maxGlideSeconds, seconds);
}

std::string meterProblem(int num, int den)
{
    if (validMeter(num, den))
        return {};
    if (num < 1 || num > maxBeatsPerBar)
        return fmt::format("a meter has 1 to {} beats to the bar, got {}/{}", maxBeatsPerBar, num, den);
    return fmt::format("a meter's beat is a power of two from 1 to {} (1, 2, 4, 8, 16, 32, 64), got {}/{}",
        maxBeatUnit, num, den);
}

std::string locateProblem(double seconds)
{
    if (seconds >= 0.0 && seconds <= maxLocateSeconds)
        return {};
    return fmt::format("a locate goes to 0 … {:g} s, got {:g}", maxLocateSeconds, seconds);
}

std::optional<BarBeat> parseBarBeat(std::string_view text)
{
    const auto dot = text.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size())
        return std::nullopt;
    auto whole = [](std::string_view digits, std::int64_t& out) {
        for (char c : digits)
            if (c < '0' || c > '9')
                return false;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
        return ec == std::errc() && end == digits.data() + digits.size();
    };
    std::int64_t bar = 0;
    std::int64_t beat = 0;
    if (!whole(text.substr(0, dot), bar) || !whole(text.substr(dot + 1), beat))
        return std::nullopt;
    if (bar < 1 || bar > maxLocateBar || beat < 1 || beat > maxBeatsPerBar)
        return std::nullopt;
    return BarBeat {bar, int(beat)};
}

std::string beatProblem(int beat, int beatsPerBar)
{
    if (beat >= 1 && beat <= beatsPerBar)
        return {};
    return fmt::format("beat {} is not in a bar of {} beats", beat, beatsPerBar);
}

} // namespace backline::transport
