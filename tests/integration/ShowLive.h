// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "OscLive.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

/// Helpers for the show's black-box tests (scenes, transport, songs): requests that expect one
/// reply, and where the transport stands.
namespace backline::test {

/// A string argument, where a literal would be taken for something else.
inline std::string s(const std::string& text) { return text; }

/// The one reply to address sent with args.
inline std::optional<RawMessage> ask(RawOscClient& c, const std::string& address,
    std::vector<control::OscReply::Arg> args = {})
{
    c.send(address, std::move(args));
    return c.receive(std::chrono::milliseconds(5000));
}

/// The transport frame of a /transport/position reply at 48 kHz, and its bar, beat and state.
struct Where {
    std::int64_t frame = -1;
    int bar = 0;
    int beat = 0;
    std::string state;
};

inline Where where(RawOscClient& c)
{
    auto m = c.request("/transport/position");
    if (!m || m->address != "/transport/position")
        return {};
    return {std::llround(m->number(0) * 48000.0), int(m->number(1)), int(m->number(2)), m->text(5)};
}

/// The level backline's left output holds once JACK has run 40 cycles of it (a DC session's):
/// NAN when nothing was heard.
inline float steadyLevel(JackListener& listener)
{
    if (!listener.waitCycles(40))
        return NAN;
    const auto heard = listener.capture(std::chrono::milliseconds(50)).first;
    return heard.empty() ? NAN : heard.back();
}

/// faust/master/master.dsp: the limiter's lookahead, 135 frames at 48 kHz.
inline constexpr std::int64_t masterLatency = 135;

} // namespace backline::test
