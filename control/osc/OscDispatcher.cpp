// SPDX-License-Identifier: GPL-3.0-or-later
// OscDispatcher: a message to its route's handler (the route from the table, OscRoutes.cpp),
// and the argument helpers every handler shares.
#include "control/osc/OscDispatcher.h"

#include "control/osc/OscArg.h"
#include "control/osc/OscPacket.h"

#include <fmt/format.h>

namespace backline::control {

std::optional<double> numberArg(std::string_view types, lo_arg** argv, int i)
{
    if (i < 0 || std::size_t(i) >= types.size())
        return std::nullopt;
    switch (types[std::size_t(i)]) {
    case LO_FLOAT:
        return double(oscArg<float>(argv[i]));
    case LO_DOUBLE:
        return oscArg<double>(argv[i]);
    case LO_INT32:
        return double(oscArg<std::int32_t>(argv[i]));
    case LO_INT64:
        return double(oscArg<std::int64_t>(argv[i]));
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

OscReply errorReply(std::string_view address, std::string message)
{
    return OscReply {"/error", {printableAddress(address), std::move(message)}};
}

OscDispatcher::OscDispatcher(port::ControlPort& control)
    : control_(control)
{
}

void OscDispatcher::dispatch(std::string_view address, std::string_view types, lo_arg** argv, int argc,
    std::vector<OscReply>& out, ParamBatch* batch)
{
    if (argc < 0 || types.size() != std::size_t(argc)) {
        out.push_back(errorReply(address, "malformed message: argument count does not match its type tags"));
        return;
    }
    const OscRoute* route = findRoute(address);
    if (!route) {
        out.push_back(unknownAddressReply(address));
        return;
    }
    OscCall call {address, types, argv, argc, out, batch};
    run(*route, call);
}

void OscDispatcher::run(const OscRoute& route, OscCall& call)
{
    if (const auto* handler = std::get_if<PortHandler>(&route.handler)) {
        if (argumentsAccepted(route, call))
            (this->*(*handler))(call);
        return;
    }
    call.out.push_back(errorReply(call.address,
        fmt::format("'{}' keeps state per client: only the OSC server answers it", printableAddress(call.address))));
}

} // namespace backline::control
