// SPDX-License-Identifier: GPL-3.0-or-later
// The /setlist/… and /arrangement/… routes, on the OSC thread: cue songs, jump between
// sections, hold one in a loop, through the control port's ArrangementPort. Each answers its
// sender with what it asked for, or /error with why not; the section that then starts is told
// to subscribers when it does (/arrangement/section).
#include "control/osc/OscDispatcher.h"

#include "control/osc/ArrangementFeed.h"

#include "control/osc/OscArg.h"
#include "control/osc/OscPacket.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace backline::control {

namespace {

constexpr std::string_view whenWords = "now, beat, bar or section";

/// The optional moment at argument i (the last one); the error says what was wrong.
Result<port::JumpWhen> whenArg(const OscCall& call, int i, std::string_view expects)
{
    if (i >= call.argc)
        return port::JumpWhen::Bar;
    const auto text = textArg(call, i);
    const auto when = text ? port::parseJumpWhen(*text) : std::nullopt;
    if (!when)
        return makeError(ErrorCode::Param,
            fmt::format("when must be {}, got {}", whenWords,
                text ? fmt::format("'{}'", printableAddress(*text)) : typeName(call.types[std::size_t(i)])));
    if (i + 1 < call.argc)
        return makeError(ErrorCode::Param, std::string(expects));
    return *when;
}

/// Answers a jump: `reply s:target s:when`, or /error.
void answer(OscCall& call, const Result<std::string>& target, std::string_view reply, port::JumpWhen when)
{
    if (!target)
        call.out.push_back(errorReply(call.address, target.error().message));
    else
        call.out.push_back(OscReply {std::string(reply), {*target, std::string(port::toString(when))}});
}

/// A jump whose optional moment is argument whenAt (the last): go (the port's call) with it.
template <typename Go>
void jumpWith(OscCall& call, int whenAt, std::string_view expects, std::string_view reply, Go go)
{
    const auto when = whenArg(call, whenAt, expects);
    if (!when) {
        call.out.push_back(errorReply(call.address, when.error().message));
        return;
    }
    answer(call, go(*when), reply, *when);
}

/// A jump whose only argument is an optional moment.
template <typename Go>
void stepWith(OscCall& call, std::string_view reply, Go go)
{
    jumpWith(call, 0, fmt::format("expects optionally when ({})", whenWords), reply, go);
}

} // namespace

void OscDispatcher::setlistNext(OscCall& call)
{
    stepWith(call, "/setlist/cued", [&](port::JumpWhen when) { return control_.arrangement().nextSong(when); });
}

void OscDispatcher::setlistPrev(OscCall& call)
{
    stepWith(call, "/setlist/cued", [&](port::JumpWhen when) { return control_.arrangement().prevSong(when); });
}

void OscDispatcher::setlistGoto(OscCall& call)
{
    const std::string expects = fmt::format("expects a song's name (s) or setlist place from 0 (i), then optionally when ({})", whenWords);
    const auto name = textArg(call, 0);
    const double place = name ? 0.0 : numberArg(call.types, call.argv, 0).value_or(0.5);
    if (!name && place != std::floor(place)) {
        call.out.push_back(errorReply(call.address, expects));
        return;
    }
    jumpWith(call, 1, expects, "/setlist/cued", [&](port::JumpWhen when) {
        auto& arrangement = control_.arrangement();
        return name ? arrangement.cueSong(*name, when) : arrangement.cueSong(int(std::clamp(place, -1.0, 1e6)), when);
    });
}

void OscDispatcher::arrangementNext(OscCall& call)
{
    stepWith(call, "/arrangement/jump", [&](port::JumpWhen when) { return control_.arrangement().nextSection(when); });
}

void OscDispatcher::arrangementPrev(OscCall& call)
{
    stepWith(call, "/arrangement/jump", [&](port::JumpWhen when) { return control_.arrangement().prevSection(when); });
}

void OscDispatcher::arrangementGoto(OscCall& call)
{
    const std::string expects = fmt::format("expects a section's name (s), then optionally when ({})", whenWords);
    const auto name = textArg(call, 0);
    if (!name) {
        call.out.push_back(errorReply(call.address, expects));
        return;
    }
    jumpWith(call, 1, expects, "/arrangement/jump",
        [&](port::JumpWhen when) { return control_.arrangement().gotoSection(*name, when); });
}

void OscDispatcher::arrangementLoop(OscCall& call)
{
    const auto on = numberArg(call.types, call.argv, 0);
    if (!on || call.argc != 1 || (*on != 0.0 && *on != 1.0)) {
        call.out.push_back(errorReply(call.address, "expects 1 (hold the section in a loop) or 0 (play on as written)"));
        return;
    }
    if (auto r = control_.arrangement().loop(*on != 0.0); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/arrangement/loop", {int(*on)}});
}

void OscDispatcher::arrangementStatus(OscCall& call)
{
    call.out.push_back(arrangementStatusMessage(control_.arrangement().status()));
}

} // namespace backline::control
