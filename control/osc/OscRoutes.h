// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC address space as one table: every address the server answers, where its handler
// runs, what it sends back; and what the server sends unasked.
#pragma once

#include "core/Result.h"
#include "port/Param.h"
#include "port/PlayPort.h"
#include "control/osc/OscReply.h"

#include <lo/lo.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace backline::control {

struct ClientState;
class HeldNotes;
class OscDispatcher;
class OscSubscriptions;

/// What a timed bundle does at its time besides its sets (a scene recall, a marker), checked
/// when it arrived: run with the engine frame the bundle lands on (0: the next block).
struct TimedAction {
    std::string address; ///< the message's, for an error at its time
    std::function<Result<void>(std::uint64_t engineFrame)> run;
};

/// Parameter sets of one bundle, collected while its messages are read and applied together
/// (all or none) after the last one.
struct ParamBatch {
    std::vector<port::ParamChange> changes;
    std::size_t invalid = 0; ///< messages of the bundle answered with /error: nothing applies
    /// The bundle's time is ahead: scene recalls and markers wait for it too (in actions).
    bool timed = false;
    std::vector<TimedAction> actions; ///< done after the sets, in the bundle's order
    /// The bundle's notes, played together by one action (at the first note's place in actions):
    /// all on one frame, or none.
    std::shared_ptr<std::vector<port::Note>> notes;
};

/// What the sender of the packet under way may still be sent (its reply budget): a handler
/// that can answer with a lot (/state) asks before it does. [osc]
class ReplyAllowance {
public:
    virtual ~ReplyAllowance() = default;
    /// Reply bytes the sender may still be sent, counting the replies already in out.
    virtual std::size_t bytesLeft(const std::vector<OscReply>& out) = 0;
    /// bytes of replies were left out for the budget (shown in /status/osc/refused_bytes).
    virtual void withheld(std::size_t bytes) = 0;
};

/// One received message on its way to its handler, and the replies owed to its sender.
struct OscCall {
    std::string_view address;
    std::string_view types;
    lo_arg** argv = nullptr;
    int argc = 0;
    std::vector<OscReply>& out;
    ParamBatch* batch = nullptr;              ///< inside a bundle: parameter sets collect here
    ReplyAllowance* allowance = nullptr;      ///< none: replies unlimited
    ClientState* client = nullptr;            ///< the sender (RouteThread::OscWithClient routes only)
    std::int64_t nowNs = 0;                   ///< CLOCK_MONOTONIC when the packet was read
    HeldNotes* held = nullptr;                ///< the notes each connection holds (the OSC server's)
};

/// How a route's address is matched: the whole address, or its start (a family such as
/// `/track/`). An exact route wins over a prefix; no exact route lies under a prefix.
enum class RouteMatch { Exact, Prefix };

/// Where a route's handler runs.
enum class RouteThread {
    Osc,           ///< the OSC thread, with the message alone (OscDispatcher)
    OscWithClient, ///< the OSC thread, with the sending client's state (OscSubscriptions)
    Job,           ///< the job thread ("backline-osc-job", JobRunner): it may take seconds (OscDispatcher)
};

/// A handler that needs the control port only (RouteThread::Osc and ::Job).
using PortHandler = void (OscDispatcher::*)(OscCall&);
/// A handler that needs the sending client's state (RouteThread::OscWithClient).
using ClientHandler = void (OscSubscriptions::*)(OscCall&);

/// One entry of the route table.
struct OscRoute {
    RouteMatch match;
    std::string_view address;    ///< the address, or the prefix (ending in '/')
    /// The arguments it accepts, in words. Exactly routeTakesNone: a message with any is
    /// answered `/error <address> "<address> takes no arguments"` before the handler runs.
    std::string_view arguments;
    RouteThread thread;
    std::variant<PortHandler, ClientHandler> handler;
    std::string_view replies;    ///< the addresses it may answer with besides /error, space-separated
    std::string_view summary;    ///< what it is for, in one line
};

/// OscRoute::arguments of a route that takes none (and refuses any).
inline constexpr std::string_view routeTakesNone = "none";

/// What the server sends without being asked (feedback, meter streams, notices), or as a reply
/// that no route names: an exact address, or a family when it ends in "…".
struct OscSentAddress {
    std::string_view address;
    std::string_view summary;
};

/// Every route the OSC server answers (OscRoutes.cpp).
std::span<const OscRoute> oscRoutes();
/// Every address the server sends unasked (OscRoutes.cpp).
std::span<const OscSentAddress> oscSentAddresses();

/// Finds the route of an address in a route table.
class RouteIndex {
public:
    explicit RouteIndex(std::span<const OscRoute> routes);
    /// The route that answers address, or nullptr.
    const OscRoute* find(std::string_view address) const;

private:
    std::unordered_map<std::string_view, const OscRoute*> exact_;
    std::vector<const OscRoute*> prefixes_;
};

/// [any] The route of address in the server's table, or nullptr.
const OscRoute* findRoute(std::string_view address);

/// [any] The `/error` for an address no route answers.
OscReply unknownAddressReply(std::string_view address);

/// [the route's thread] Whether call's arguments may go to route's handler; if not, the
/// /error is in call.out.
bool argumentsAccepted(const OscRoute& route, OscCall& call);

} // namespace backline::control
