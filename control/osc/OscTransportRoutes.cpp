// SPDX-License-Identifier: GPL-3.0-or-later
// The /transport/… routes, on the OSC thread: play, stop, locate, tempo, meter, position. Each
// answers its sender with what it did (or the value asked for), or /error with the rule a value
// broke; a refused request changes nothing.
#include "control/osc/OscDispatcher.h"

#include "control/osc/OscArg.h"
#include "control/osc/OscPacket.h"
#include "control/osc/TransportFeed.h"

#include <fmt/format.h>

#include <cmath>

namespace backline::control {

namespace {

/// Argument i as a whole number that fits an int, if it is one.
std::optional<int> wholeArg(const OscCall& call, int i)
{
    const auto n = numberArg(call.types, call.argv, i);
    if (!n || !std::isfinite(*n) || *n != std::trunc(*n) || std::fabs(*n) > 1e9)
        return std::nullopt;
    return int(*n);
}

} // namespace

void OscDispatcher::transportPlay(OscCall& call)
{
    if (auto r = control_.transport().play(); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/transport/playing", {}});
}

void OscDispatcher::transportStop(OscCall& call)
{
    if (auto r = control_.transport().stop(); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/transport/stopped", {}});
}

void OscDispatcher::transportLocate(OscCall& call)
{
    constexpr const char* usage = "expects the time in seconds (a number) or a bar and beat as text, like \"17.1\"";
    if (call.argc != 1) {
        call.out.push_back(errorReply(call.address, usage));
        return;
    }
    Result<port::TransportPosition> landed = makeError(ErrorCode::Param, usage);
    if (const auto seconds = numberArg(call.types, call.argv, 0)) {
        landed = control_.transport().locate(*seconds);
    } else if (call.types[0] == LO_STRING || call.types[0] == LO_SYMBOL) {
        const std::string_view text = oscArgString(call.argv[0]);
        if (const auto where = transport::parseBarBeat(text))
            landed = control_.transport().locate(*where);
        else
            landed = makeError(ErrorCode::Param,
                fmt::format("'{}' is not a bar and beat: write two whole numbers from 1, like \"17.1\"",
                    printableAddress(text)));
    }
    if (!landed) {
        call.out.push_back(errorReply(call.address, landed.error().message));
        return;
    }
    const port::TransportPosition& p = *landed;
    call.out.push_back(OscReply {"/transport/located", {float(p.seconds), int(p.bar), p.beat, float(p.tickFraction)}});
}

void OscDispatcher::transportTempo(OscCall& call)
{
    if (call.argc == 0) {
        call.out.push_back(transportTempoMessage(control_.transport().position()));
        return;
    }
    const auto bpm = numberArg(call.types, call.argv, 0);
    const auto glide = call.argc == 2 ? numberArg(call.types, call.argv, 1) : std::optional<double>(0.0);
    if (call.argc > 2 || !bpm || !glide) {
        call.out.push_back(errorReply(call.address,
            "expects the tempo in BPM, then optionally the seconds to glide there (none: reads the tempo)"));
        return;
    }
    if (auto r = control_.transport().setTempo(*bpm, *glide); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/transport/tempo", {float(*bpm)}});
}

void OscDispatcher::transportMeter(OscCall& call)
{
    if (call.argc == 0) {
        call.out.push_back(transportMeterMessage(control_.transport().position()));
        return;
    }
    const auto num = wholeArg(call, 0);
    const auto den = wholeArg(call, 1);
    if (call.argc != 2 || !num || !den) {
        call.out.push_back(errorReply(call.address,
            "expects two whole numbers: beats to the bar and the beat's note value, like 7 8 (none: reads the meter)"));
        return;
    }
    if (auto r = control_.transport().setMeter(*num, *den); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/transport/meter", {*num, *den}});
}

void OscDispatcher::transportPosition(OscCall& call)
{
    call.out.push_back(transportPositionMessage(control_.transport().position()));
}

} // namespace backline::control
