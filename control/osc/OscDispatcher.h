// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/ControlPort.h"
#include "control/osc/OscReply.h"

#include <lo/lo.h>

#include <cstdint>
#include <utility>
#include <functional>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace backline::control {

/// Parameter sets of one bundle, collected while its messages are read and applied together
/// (all or none) after the last one.
struct ParamBatch {
    std::vector<port::ParamChange> changes;
    std::size_t invalid = 0; ///< messages of the bundle answered with /error: nothing applies
};

/// The OSC server's own counters, shown in /status.
struct OscCounters {
    std::uint64_t received = 0;    ///< messages taken in
    std::uint64_t errors = 0;      ///< answered with /error
    std::uint64_t dropped = 0;     ///< over a client's rate limit, or undeliverable
    std::uint64_t blocked = 0;     ///< packets from addresses outside osc.allow
    std::uint64_t refusedBytes = 0;       ///< reply bytes held back over a client's reply budget
    std::uint64_t refusedConnections = 0; ///< TCP connections refused (too many, from one address or in all)
    std::uint64_t evicted = 0;            ///< clients forgotten (or TCP connections closed) to make room for new ones
    std::size_t clients = 0;       ///< clients remembered
    std::size_t subscribers = 0;   ///< live /subscribe
    std::size_t meterSubscribers = 0;
    std::size_t tcpConnections = 0;
};

/// Turns one decoded OSC message into calls on the daemon and the replies owed to its sender:
/// parameters (set, get) and the stateless addresses (/ping, /state, /status, /meters,
/// /session/reload). Independent of sockets so tests and fuzzers drive it directly; the server
/// handles the per-client addresses (/subscribe, /meters/subscribe, …) before it. Every
/// invalid message changes nothing and yields one `/error <address> <message>` reply.
class OscDispatcher {
public:
    explicit OscDispatcher(port::ControlPort& control);

    /// [osc, and the OSC job thread for the slow requests] Handles address with its type tags
    /// and arguments; appends replies to out.
    void dispatch(std::string_view address, std::string_view types, lo_arg** argv, int argc,
        std::vector<OscReply>& out)
    {
        dispatch(address, types, argv, argc, out, nullptr);
    }
    /// [osc] As above; with a batch, parameter sets are checked for form and collected in it
    /// instead of applied (the caller applies the batch).
    void dispatch(std::string_view address, std::string_view types, lo_arg** argv, int argc,
        std::vector<OscReply>& out, ParamBatch* batch);

    /// [osc] Where /status finds the server's counters (none: zeros).
    void setCounters(std::function<OscCounters()> counters) { counters_ = std::move(counters); }
    /// [osc] Reply bytes the next dispatch may answer /state with: past them the answer is a
    /// page that `/state/end` says the size of (the client asks for the rest). Unlimited by default.
    void setReplyAllowance(std::size_t bytes) { replyAllowance_ = bytes; }
    /// [osc] Bytes of /state answers left out for the allowance since the last call.
    std::size_t takeWithheldBytes() { return std::exchange(withheldBytes_, 0); }

    /// Whether address is a parameter's (under /track/, /bus/ or /master/).
    static bool isParamAddress(std::string_view address);

private:
    struct Call {
        std::string_view address;
        std::string_view types;
        lo_arg** argv;
        int argc;
        std::vector<OscReply>& out;
    };
    using Handler = void (OscDispatcher::*)(Call&);

    void handleParam(Call& call, ParamBatch* batch);
    void ping(Call& call);
    void state(Call& call);
    void status(Call& call);
    void meters(Call& call);
    void resetLoudness(Call& call);
    void reload(Call& call);
    void recordStart(Call& call);
    void recordStop(Call& call);
    void recordStatus(Call& call);
    void recordMarker(Call& call);
    void recordSources(Call& call);

    port::ControlPort& control_;
    std::function<OscCounters()> counters_;
    std::size_t replyAllowance_ = SIZE_MAX;
    std::size_t withheldBytes_ = 0;
    std::unordered_map<std::string_view, Handler> routes_;
};

/// An `/error <address> <message>` reply (the address made printable and cut short).
OscReply errorReply(std::string_view address, std::string message);

/// Argument i as a number (f, d, i, h, T, F), if it is one.
std::optional<double> numberArg(std::string_view types, lo_arg** argv, int i);

/// "a string", "a blob", "type 'x'": an argument type in words.
std::string typeName(char type);

} // namespace backline::control
