// SPDX-License-Identifier: GPL-3.0-or-later
// The route table: every address the OSC server answers, in one place. A new address (or
// family) is one entry here plus its handler; control/OSC.md documents each one, and
// tests/osc/OscRoutesDocTest.cpp fails when the two disagree. The handlers live by concern:
// OscParamRoutes.cpp (parameters), OscStateRoutes.cpp (state, status, meters, reload),
// OscRecordRoutes.cpp (/record/…), OscTransportRoutes.cpp (/transport/…), OscSceneRoutes.cpp
// (/scene/…) and
// OscSubscriptions.cpp (per-client subscriptions).
#include "control/osc/OscRoutes.h"

#include "control/osc/OscDispatcher.h"
#include "control/osc/OscPacket.h"
#include "control/osc/OscSubscriptions.h"

#include <fmt/format.h>

namespace backline::control {

namespace {

constexpr auto Exact = RouteMatch::Exact;
constexpr auto Prefix = RouteMatch::Prefix;
constexpr auto Osc = RouteThread::Osc;
constexpr auto Client = RouteThread::OscWithClient;
constexpr auto Job = RouteThread::Job;
constexpr auto none = routeTakesNone;

/// A port handler runs on the OSC or the job thread; a client handler on the OSC thread, with
/// the client's state.
constexpr bool consistent(std::span<const OscRoute> routes)
{
    for (const auto& r : routes)
        if (std::holds_alternative<ClientHandler>(r.handler) != (r.thread == RouteThread::OscWithClient))
            return false;
    return true;
}

} // namespace

std::span<const OscRoute> oscRoutes()
{
    // Each: match, address, arguments, where the handler runs (Osc: the OSC thread; Client: the
    // OSC thread with the sender's ClientState; Job: the job thread), handler, replies, summary.
    // clang-format off
    static constexpr OscRoute routes[] = {
        // Parameters: set with one number, read with none (the families of ParamPort's addresses).
        {Prefix, "/track/", "one number (f d i h T F) to set; none to get; note: i:note f:velocity", Osc,
            &OscDispatcher::param, "/track/…", "a track's parameter, or a note of its instrument"},
        {Prefix, "/bus/", "one number to set; none to get", Osc, &OscDispatcher::param,
            "/bus/…", "a bus's parameter"},
        {Prefix, "/master/", "one number to set; none to get", Osc, &OscDispatcher::param,
            "/master/…", "the master's parameter"},

        // The instruments (OscPlayRoutes.cpp): /track/<t>/note and /track/<t>/allnotesoff go
        // through the /track/ family above.
        {Exact, "/panic", none, Osc, &OscDispatcher::panic, "/panic/done",
            "releases every voice of every instrument at once"},
        {Exact, "/instruments", none, Osc, &OscDispatcher::instruments, "/instruments",
            "the tracks notes can play, in session order"},

        // MIDI controllers' mappings (OscMidiRoutes.cpp).
        {Exact, "/midi/learn", "a parameter's address (s)", Osc, &OscDispatcher::midiLearn, "/midi/learn",
            "binds the next knob, fader or pad a controller moves to the parameter"},
        {Exact, "/midi/learn/cancel", none, Osc, &OscDispatcher::midiLearnCancel, "/midi/learn/cancelled",
            "stops waiting for a control to learn"},
        {Exact, "/midi/map", "none to list; s:control s:target, then optionally s:curve, min and max, pickup", Osc,
            &OscDispatcher::midiMap, "/midi/map /midi/map/end", "lists the mappings, or adds one"},
        {Exact, "/midi/unmap", "a control (s: cc:7@1) or a parameter's address (s)", Osc, &OscDispatcher::midiUnmap,
            "/midi/unmapped", "removes the mappings of a control or of a parameter"},
        {Exact, "/midi/status", none, Osc, &OscDispatcher::midiStatus,
            "/midi/status /midi/status/inputs /midi/status/outputs", "the MIDI devices open and their counters"},

        // The server and the session: stateless.
        {Exact, "/ping", "any (ignored)", Osc, &OscDispatcher::ping, "/pong", "is the server there"},
        {Exact, "/auth", "s:pin", Client, &OscSubscriptions::auth, "/auth/ok",
            "gives the PIN when the session sets osc.require_pin"},
        {Exact, "/state", "none, or two whole numbers: first index, count", Osc, &OscDispatcher::state,
            "/state/param /state/end", "every parameter with its range and unit (paged within the reply budget)"},
        {Exact, "/status", none, Osc, &OscDispatcher::status,
            "/status /status/…", "the daemon's state and the OSC server's counters"},
        {Exact, "/meters", none, Osc, &OscDispatcher::meters,
            "/meters/<name> /meters/loudness", "one meter reading"},
        {Exact, "/meters/loudness/reset", none, Osc, &OscDispatcher::resetLoudness,
            "/meters/loudness/reset", "restarts integrated loudness, range and true peak"},

        // Per client: subscriptions to feedback and meters.
        {Exact, "/subscribe", "none, seconds, or seconds and packets per second", Client,
            &OscSubscriptions::subscribe, "/subscribed", "feedback of every change, snapshot first"},
        {Exact, "/unsubscribe", none, Client, &OscSubscriptions::unsubscribe, "/unsubscribed", "ends feedback"},
        {Exact, "/snapshot", none, Client, &OscSubscriptions::snapshot, "", "the full snapshot again, as feedback"},
        {Exact, "/meters/subscribe", "rate in Hz, then optionally a format (s) and seconds", Client,
            &OscSubscriptions::subscribeMeters, "/meters/subscribed /meters/names", "a meter stream"},
        {Exact, "/meters/unsubscribe", none, Client, &OscSubscriptions::unsubscribeMeters,
            "/meters/unsubscribed", "ends the meter stream"},
        {Exact, "/listen", "s:address (a parameter's)", Client, &OscSubscriptions::listen, "/track/… /bus/… /master/…",
            "the parameter's value now and each change of it after (over TCP or a WebSocket, for the connection's life)"},
        {Exact, "/ignore", "s:address", Client, &OscSubscriptions::ignore, "",
            "stops a /listen"},
        {Exact, "/meters/names", none, Client, &OscSubscriptions::meterNames, "/meters/names",
            "the meters in stream order"},

        // Slow: a Faust compile or a file sync may take seconds, so not on the OSC thread.
        {Exact, "/session/reload", none, Job, &OscDispatcher::reload, "/session/reloaded",
            "reloads the session file"},
        {Exact, "/session/save", "none, or the file to write (s)", Job, &OscDispatcher::save, "/session/saved",
            "writes the session as it plays to its file"},
        {Exact, "/record/start", "none, or the take's name (s)", Job, &OscDispatcher::recordStart,
            "/record/started", "opens a take"},
        {Exact, "/record/stop", none, Job, &OscDispatcher::recordStop, "/record/stopped",
            "closes the take (its files synced)"},
        {Exact, "/record/sources", "none (get), or source ids (s…) to set", Job, &OscDispatcher::recordSources,
            "/record/sources", "the sources a take records"},

        // JACK's auto-connect rules: the job thread, as they ask JACK and wait for a reload.
        {Exact, "/connections", none, Job, &OscDispatcher::connections, "/connections/rule /connections/end",
            "the auto-connect rules, each with the connections it holds"},
        {Exact, "/connections/add", "s:from s:to (whole port names or regular expressions)", Job,
            &OscDispatcher::connectionsAdd, "/connections/added", "adds an auto-connect rule and carries it out now"},
        {Exact, "/connections/remove", "s:from s:to", Job, &OscDispatcher::connectionsRemove, "/connections/removed",
            "removes an auto-connect rule (its connections stay)"},

        // The recorder's quick ones.
        {Exact, "/record/marker", "the marker's name (s)", Osc, &OscDispatcher::recordMarker, "/record/marked",
            "marks the open take"},
        {Exact, "/record/status", none, Osc, &OscDispatcher::recordStatus,
            "/record/status /record/status/source", "what the recorder is doing"},

        // The transport (OscTransportRoutes.cpp).
        {Exact, "/transport/play", none, Osc, &OscDispatcher::transportPlay, "/transport/playing",
            "starts the transport"},
        {Exact, "/transport/stop", none, Osc, &OscDispatcher::transportStop, "/transport/stopped",
            "stops the transport"},
        {Exact, "/transport/locate", "seconds (a number) or \"bar.beat\" (s)", Osc, &OscDispatcher::transportLocate,
            "/transport/located", "moves the transport"},
        {Exact, "/transport/tempo", "none to get; BPM, optionally glide seconds, to set", Osc,
            &OscDispatcher::transportTempo, "/transport/tempo", "the tempo"},
        {Exact, "/transport/meter", "none to get; two whole numbers to set", Osc, &OscDispatcher::transportMeter,
            "/transport/meter", "the meter"},
        {Exact, "/transport/position", none, Osc, &OscDispatcher::transportPosition, "/transport/position",
            "where the transport is"},

        // Scenes (OscSceneRoutes.cpp).
        {Exact, "/scene/store", "the scene's name (s), then optionally scope globs (s…)", Osc,
            &OscDispatcher::sceneStore, "/scene/stored", "stores the current values as a scene"},
        {Exact, "/scene/recall", "the scene's name (s), then optionally fade seconds and when (s: now, beat, bar)", Osc,
            &OscDispatcher::sceneRecall, "/scene/recalled", "recalls a scene, now or on the next beat or bar"},
        {Exact, "/scene/list", none, Osc, &OscDispatcher::sceneList, "/scene/list", "the scenes' names"},
        {Exact, "/scene/get", "the scene's name (s)", Osc, &OscDispatcher::sceneGet, "/scene/get",
            "the values a scene holds"},
        {Exact, "/scene/delete", "the scene's name (s)", Osc, &OscDispatcher::sceneDelete, "/scene/deleted",
            "deletes a scene"},
        {Exact, "/scene/rename", "the scene's name and its new name (s s)", Osc, &OscDispatcher::sceneRename,
            "/scene/renamed", "renames a scene"},
        {Exact, "/scene/undo", none, Osc, &OscDispatcher::sceneUndo, "/scene/undone",
            "puts back the values from before the last recall"},
        {Exact, "/scene/current", none, Osc, &OscDispatcher::sceneCurrent, "/scene/current",
            "the last scene recalled and whether it is dirty"},
        {Exact, "/scene/edit", "the scene's name, an address (s s) and a number", Osc, &OscDispatcher::sceneEdit,
            "/scene/edited", "changes a stored scene without touching what plays"},
        {Exact, "/scene/safe", "none to list; a glob (s) and 1 or 0 to set", Osc, &OscDispatcher::sceneSafe,
            "/scene/safe /scene/safe/end", "recall-safe parameters"},

        // Songs: the setlist and the arrangement (OscArrangementRoutes.cpp).
        {Exact, "/setlist/next", "optionally when (s: now, beat, bar, section)", Osc, &OscDispatcher::setlistNext,
            "/setlist/cued", "cues the setlist's next song"},
        {Exact, "/setlist/prev", "optionally when (s: now, beat, bar, section)", Osc, &OscDispatcher::setlistPrev,
            "/setlist/cued", "cues the setlist's previous song"},
        {Exact, "/setlist/goto", "a song's name (s) or setlist place (i), then optionally when (s)", Osc,
            &OscDispatcher::setlistGoto, "/setlist/cued", "cues a song"},
        {Exact, "/arrangement/next", "optionally when (s: now, beat, bar, section)", Osc,
            &OscDispatcher::arrangementNext, "/arrangement/jump", "jumps to the next section"},
        {Exact, "/arrangement/prev", "optionally when (s: now, beat, bar, section)", Osc,
            &OscDispatcher::arrangementPrev, "/arrangement/jump", "jumps to the previous section"},
        {Exact, "/arrangement/goto", "a section's name (s), then optionally when (s)", Osc,
            &OscDispatcher::arrangementGoto, "/arrangement/jump", "jumps to a section of the song"},
        {Exact, "/arrangement/loop", "1 or 0", Osc, &OscDispatcher::arrangementLoop, "/arrangement/loop",
            "holds the section playing in a loop, or lets it go on"},
        {Exact, "/arrangement/status", none, Osc, &OscDispatcher::arrangementStatus, "/arrangement/status",
            "the song, the section, the bar in it and what comes next"},
    };
    // clang-format on
    static_assert(consistent(routes), "a client handler runs on the OSC thread with the client, a port handler not");
    return routes;
}

std::span<const OscSentAddress> oscSentAddresses()
{
    static constexpr OscSentAddress sent[] = {
        {"/error", "the answer to anything invalid: s:address s:message"},
        {"/feedback/seq", "leads every feedback packet, numbered per client"},
        {"/snapshot/begin", "starts a snapshot (feedback)"},
        {"/snapshot/end", "ends a snapshot (feedback)"},
        {"/meters/seq", "leads every meter packet, numbered per client"},
        {"/meters/<name>", "a meter's reading (format levels)"},
        {"/meters/<name>/peak", "a meter's peak (format single)"},
        {"/meters/<name>/rms", "a meter's RMS (format single)"},
        {"/meters/loudness", "the master's loudness (format levels)"},
        {"/meters/loudness/…", "one loudness figure (format single)"},
        {"/meters/blob", "a whole reading (format blob)"},
        {"/notice/seq", "leads every notice packet, numbered per client"},
        {"/record/event", "a notice: the recorder's events"},
        {"/dsp/fault", "a notice: a session DSP blew up"},
        {"/midi/learned", "a notice: /midi/learn bound a control (s:control s:address)"},
        {"/status/transport", "feedback: the transport's state at every change"},
        {"/status/scene", "in /status: the current scene and whether it is dirty"},
        {"/status/arrangement", "in /status: the song and section playing, the bar in it and the section next"},
        {"/status/midi", "in /status: the MIDI API in use and how many controller ports are open"},
        {"/arrangement/status", "feedback: the arrangement's status whenever a field of it changes"},
        {"/arrangement/section", "a notice: a section of a song started (s:song s:section s:scene)"},
    };
    return sent;
}

RouteIndex::RouteIndex(std::span<const OscRoute> routes)
{
    for (const auto& r : routes) {
        if (r.match == RouteMatch::Exact)
            exact_.emplace(r.address, &r);
        else
            prefixes_.push_back(&r);
    }
}

const OscRoute* RouteIndex::find(std::string_view address) const
{
    if (auto it = exact_.find(address); it != exact_.end())
        return it->second;
    for (const OscRoute* r : prefixes_)
        if (address.starts_with(r->address))
            return r;
    return nullptr;
}

const OscRoute* findRoute(std::string_view address)
{
    static const RouteIndex index(oscRoutes());
    return index.find(address);
}

OscReply unknownAddressReply(std::string_view address)
{
    return errorReply(address, fmt::format("unknown address '{}' (see control/OSC.md)", printableAddress(address)));
}

bool argumentsAccepted(const OscRoute& route, OscCall& call)
{
    if (route.arguments != routeTakesNone || call.argc == 0)
        return true;
    call.out.push_back(errorReply(call.address, fmt::format("{} takes no arguments", call.address)));
    return false;
}

} // namespace backline::control
