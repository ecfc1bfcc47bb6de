// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/OscDispatcher.h"

#include <cmath>
#include <optional>
#include <fmt/format.h>

namespace backline::control {

namespace {

/// Reads argument 0 as a number; OSC clients send ints, floats, doubles or booleans.
std::optional<double> numberArg(char type, lo_arg* arg)
{
    switch (type) {
    case LO_FLOAT:
        return double(arg->f);
    case LO_DOUBLE:
        return arg->d;
    case LO_INT32:
        return double(arg->i);
    case LO_INT64:
        return double(arg->h);
    case LO_TRUE:
        return 1.0;
    case LO_FALSE:
        return 0.0;
    default:
        return std::nullopt;
    }
}

std::string typeName(char type)
{
    switch (type) {
    case LO_STRING:
    case LO_SYMBOL:
        return "a string";
    case LO_BLOB:
        return "a blob";
    case LO_NIL:
        return "nil";
    case LO_INFINITUM:
        return "infinitum";
    case LO_MIDI:
        return "a MIDI message";
    case LO_CHAR:
        return "a char";
    case LO_TIMETAG:
        return "a timetag";
    default:
        return fmt::format("type '{}'", type);
    }
}

bool isParamAddress(std::string_view address)
{
    return address.starts_with("/track/") || address.starts_with("/master/");
}

} // namespace

OscReply errorReply(std::string_view address, std::string message)
{
    return OscReply {"/error", {std::string(address), std::move(message)}};
}

void OscDispatcher::dispatch(std::string_view address, std::string_view types, lo_arg** argv, int argc,
    std::vector<OscReply>& out)
{
    if (argc < 0 || types.size() != std::size_t(argc)) {
        out.push_back(errorReply(address, "malformed message: argument count does not match its type tags"));
        return;
    }
    if (address == "/ping") {
        out.push_back(OscReply {"/pong", {}});
        return;
    }
    if (isParamAddress(address)) {
        handleParam(address, types, argv, argc, out);
        return;
    }
    if (argc != 0) {
        if (address == "/session/reload" || address == "/status" || address == "/state") {
            out.push_back(errorReply(address, fmt::format("{} takes no arguments", address)));
            return;
        }
    }
    if (address == "/session/reload") {
        if (auto r = target_.reloadSession(); !r)
            out.push_back(errorReply(address, r.error().message));
        else
            out.push_back(OscReply {"/session/reloaded", {target_.status().session}});
        return;
    }
    if (address == "/status") {
        const auto s = target_.status();
        out.push_back(OscReply {"/status",
            {s.session, s.sampleRate, s.bufferSize, int(s.xruns), int(s.droppedCommands), float(s.uptimeSeconds), s.tracks}});
        return;
    }
    if (address == "/state") {
        const auto all = target_.params();
        for (const auto& p : all)
            out.push_back(OscReply {"/state/param",
                {p.info.address, p.value, p.info.unit, p.info.min, p.info.max, p.info.init}});
        out.push_back(OscReply {"/state/end", {int(all.size())}});
        return;
    }
    out.push_back(errorReply(address, fmt::format("unknown address '{}' (see control/OSC.md)", address)));
}

void OscDispatcher::handleParam(std::string_view address, std::string_view types, lo_arg** argv, int argc,
    std::vector<OscReply>& out)
{
    if (argc == 0) {
        auto state = target_.getParam(address);
        if (!state)
            out.push_back(errorReply(address, state.error().message));
        else
            out.push_back(OscReply {std::string(address), {state->value}});
        return;
    }
    if (argc > 1) {
        out.push_back(errorReply(address, fmt::format("expects one number (or none to read it), got {} arguments", argc)));
        return;
    }
    const auto value = numberArg(types[0], argv[0]);
    if (!value) {
        out.push_back(errorReply(address, fmt::format("expects a number, got {}", typeName(types[0]))));
        return;
    }
    if (auto r = target_.setParam(address, *value); !r)
        out.push_back(errorReply(address, r.error().message));
}

} // namespace backline::control
