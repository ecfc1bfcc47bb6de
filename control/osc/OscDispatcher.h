// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/ControlPort.h"
#include "control/osc/OscReply.h"
#include "control/osc/OscRoutes.h"

#include <lo/lo.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace backline::control {

/// The OSC server's own counters, shown in /status.
struct OscCounters {
    std::uint64_t received = 0;    ///< messages taken in
    std::uint64_t errors = 0;      ///< answered with /error
    std::uint64_t dropped = 0;     ///< over a client's rate limit, or undeliverable
    std::uint64_t blocked = 0;     ///< packets from addresses outside osc.allow
    std::uint64_t refusedBytes = 0;       ///< reply bytes held back over a client's reply budget
    std::uint64_t refusedConnections = 0; ///< TCP connections refused (too many, from one address or in all)
    std::uint64_t evicted = 0;            ///< clients forgotten (or TCP connections closed) to make room for new ones
    std::uint64_t noticesDropped = 0;     ///< notices dropped unsent (more than config::oscMaxPendingNotices waited)
    std::size_t clients = 0;       ///< clients remembered
    std::size_t subscribers = 0;   ///< live /subscribe
    std::size_t meterSubscribers = 0;
    std::size_t tcpConnections = 0;
    std::size_t webConnections = 0; ///< WebSocket clients (the web surface)
};

/// A note address of the /track/ family: /track/<t>/note or /track/<t>/allnotesoff.
struct PlayAddress {
    enum class Verb { Note, AllNotesOff };
    std::string_view track;
    Verb verb = Verb::Note;
};
/// The track and verb of a note address, or nullopt for any other (a parameter's).
std::optional<PlayAddress> playAddress(std::string_view address);

/// Runs the routes that need the control port alone (parameters, /ping, /state, /status,
/// /meters, /session/reload, /record/…, /transport/…, /scene/…: RouteThread::Osc and ::Job in OscRoutes.cpp) and
/// collects the replies owed to the sender. Independent of sockets so tests and fuzzers drive
/// it directly. Every invalid message changes nothing and yields one `/error <address>
/// <message>` reply. Holds no state of its own past construction: the OSC thread and the job
/// thread run it at once.
class OscDispatcher {
public:
    explicit OscDispatcher(port::ControlPort& control);

    /// [any: tests, fuzzers, benchmarks; the OSC server goes through run()] Finds address's route
    /// and runs it on the calling thread (a RouteThread::Job route too); appends replies to out.
    /// A per-client route (RouteThread::OscWithClient) needs the server: answered with /error here.
    void dispatch(std::string_view address, std::string_view types, lo_arg** argv, int argc,
        std::vector<OscReply>& out)
    {
        dispatch(address, types, argv, argc, out, nullptr);
    }
    /// [any] As above; with a batch, parameter sets are checked for form and collected in it
    /// instead of applied (the caller applies the batch).
    void dispatch(std::string_view address, std::string_view types, lo_arg** argv, int argc,
        std::vector<OscReply>& out, ParamBatch* batch);

    /// [the route's thread: OSC for RouteThread::Osc, the job thread for ::Job] Runs route's
    /// handler on call, which the caller has checked (its argc matches its type tags).
    void run(const OscRoute& route, OscCall& call);

    /// [control, before serving] Where /status finds the server's counters (none: zeros);
    /// called on the OSC thread.
    void setCounters(std::function<OscCounters()> counters) { counters_ = std::move(counters); }

private:
    friend std::span<const OscRoute> oscRoutes();

    // Route handlers, named by the table (OscRoutes.cpp) and called through it only.
    void param(OscCall& call);          // OscParamRoutes.cpp
    void play(OscCall& call, const PlayAddress& target); // OscPlayRoutes.cpp
    void panic(OscCall& call);
    void instruments(OscCall& call);
    void ping(OscCall& call);           // OscStateRoutes.cpp
    void state(OscCall& call);
    void status(OscCall& call);
    void meters(OscCall& call);
    void resetLoudness(OscCall& call);
    void reload(OscCall& call);
    void save(OscCall& call);
    void recordStart(OscCall& call);    // OscRecordRoutes.cpp
    void recordStop(OscCall& call);
    void recordStatus(OscCall& call);
    void recordMarker(OscCall& call);
    void recordSources(OscCall& call);
    void connections(OscCall& call);       // OscConnectionRoutes.cpp
    void connectionsAdd(OscCall& call);
    void connectionsRemove(OscCall& call);
    void transportPlay(OscCall& call);  // OscTransportRoutes.cpp
    void transportStop(OscCall& call);
    void transportLocate(OscCall& call);
    void transportTempo(OscCall& call);
    void transportMeter(OscCall& call);
    void transportPosition(OscCall& call);
    void sceneStore(OscCall& call);     // OscSceneRoutes.cpp
    void sceneRecall(OscCall& call);
    void sceneList(OscCall& call);
    void sceneGet(OscCall& call);
    void sceneDelete(OscCall& call);
    void sceneRename(OscCall& call);
    void sceneUndo(OscCall& call);
    void sceneCurrent(OscCall& call);
    void sceneEdit(OscCall& call);
    void sceneSafe(OscCall& call);
    void setlistNext(OscCall& call);    // OscArrangementRoutes.cpp
    void setlistPrev(OscCall& call);
    void setlistGoto(OscCall& call);
    void arrangementNext(OscCall& call);
    void arrangementPrev(OscCall& call);
    void arrangementGoto(OscCall& call);
    void arrangementLoop(OscCall& call);
    void arrangementStatus(OscCall& call);
    void midiLearn(OscCall& call);      // OscMidiRoutes.cpp
    void midiLearnCancel(OscCall& call);
    void midiMap(OscCall& call);
    void midiUnmap(OscCall& call);
    void midiStatus(OscCall& call);

    port::ControlPort& control_;
    std::function<OscCounters()> counters_;
};

/// An `/error <address> <message>` reply (the address made printable and cut short).
OscReply errorReply(std::string_view address, std::string message);

/// Argument i as text, if it is a string or a symbol.
std::optional<std::string> textArg(const OscCall& call, int i);

/// Argument i as a number (f, d, i, h, T, F), if it is one.
std::optional<double> numberArg(std::string_view types, lo_arg** argv, int i);

/// "a string", "a blob", "type 'x'": an argument type in words.
std::string typeName(char type);
/// [osc, job] The string arguments of a call, or nullopt with problem naming the first that is not one.
std::optional<std::vector<std::string>> textArgs(std::string_view types, lo_arg** argv, int argc, std::string& problem);
/// [osc, job] Answers a call that takes one optional string (what it is: `what`): `reply s:<what
/// run returned>` for run(the string, or "" without one), or /error with why.
void answerOptionalText(OscCall& call, std::string_view what, std::string reply,
    const std::function<Result<std::string>(std::string_view)>& run);

} // namespace backline::control
