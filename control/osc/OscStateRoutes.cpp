// SPDX-License-Identifier: GPL-3.0-or-later
// The routes that read the daemon's state (/ping, /state, /status, /meters) or act on the
// session as a whole (/meters/loudness/reset; /session/reload, which runs on the job thread).
#include "control/osc/OscDispatcher.h"

#include "control/osc/MeterStream.h"
#include "control/osc/OscWriter.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>

namespace backline::control {

namespace {

/// Counters go out as int32: they stop at its largest value rather than wrap.
int count(std::uint64_t n) { return int(std::min<std::uint64_t>(n, INT_MAX)); }

} // namespace

void OscDispatcher::ping(OscCall& call)
{
    call.out.push_back(OscReply {"/pong", {}});
}

void OscDispatcher::state(OscCall& call)
{
    // No argument: everything. Two whole numbers: a page (first index, count).
    std::size_t first = 0;
    std::size_t wanted = SIZE_MAX;
    if (call.argc != 0) {
        const auto a = numberArg(call.types, call.argv, 0);
        const auto b = numberArg(call.types, call.argv, 1);
        // The bounds come first: converting NaN or a number beyond int64 is undefined (found by
        // tests/fuzz, regressions/osc/state-page-huge-number).
        constexpr double largest = 1e15;
        if (call.argc != 2 || !a || !b || !(*a >= 0 && *a <= largest) || !(*b >= 1 && *b <= largest)
            || *a != double(std::int64_t(*a)) || *b != double(std::int64_t(*b))) {
            call.out.push_back(errorReply(call.address,
                "takes no arguments (everything) or two whole numbers: the first index and how many (a page)"));
            return;
        }
        first = std::size_t(*a);
        wanted = std::size_t(*b);
    }
    const auto all = control_.params().all();
    first = std::min(first, all.size());
    const std::size_t end = first + std::min(wanted, all.size() - first);
    // Within the client's reply budget: past it, the answer is a page and /state/end says how
    // much of it came (a 12-byte request must not make 16 KB of replies for whoever it claims
    // to come from; a client asks for the rest, page by page). Each message costs its size and
    // its element's size field in the bundle; a packet's header is paid for with the slack
    // kept for /state/end.
    constexpr std::size_t endReserve = 64;
    const std::size_t allowance = call.allowance ? call.allowance->bytesLeft(call.out) : SIZE_MAX;
    std::size_t budget = allowance > endReserve ? allowance - endReserve : 0;
    std::size_t i = first;
    for (; i < end; ++i) {
        const auto& p = all[i];
        OscReply param {"/state/param",
            {p.info.address, p.value, p.info.unit, p.info.min, p.info.max, p.info.init,
                std::string(port::toString(p.info.kind)), p.info.step}};
        const std::size_t bytes = OscWriter::messageSize(param.address, param.args) + 4;
        if (bytes + bytes / 32 > budget)
            break;
        budget -= bytes + bytes / 32;
        call.out.push_back(std::move(param));
    }
    std::size_t withheld = 0;
    for (std::size_t rest = i; rest < end; ++rest) {
        const auto& p = all[rest];
        // The bytes left out, for /status: about the fixed part of a /state/param message and
        // its strings (measuring each exactly would cost a flood more than it is worth).
        withheld += 64 + p.info.address.size() + p.info.unit.size();
    }
    if (withheld > 0 && call.allowance)
        call.allowance->withheld(withheld);
    call.out.push_back(OscReply {"/state/end", {int(all.size()), int(first), int(i - first)}});
}

void OscDispatcher::status(OscCall& call)
{
    const auto s = control_.status();
    const OscCounters c = counters_ ? counters_() : OscCounters {};
    const std::string transport = toString(s.transport);
    const std::string recording = toString(s.recording);
    const port::SceneCurrent scene = control_.scenes().current();
    const port::ArrangementStatus song = control_.arrangement().status();
    const int barInSection = int(std::clamp<std::int64_t>(song.barInSection, 0, INT_MAX));
    const port::MidiStatus midi = control_.midi().status();
    const int midiInputs = int(midi.inputs.size());
    const int midiOutputs = int(midi.outputs.size());
    // One positional message for scripts (new fields go at its end), then one message per
    // field for surfaces to bind.
    call.out.push_back(OscReply {"/status",
        {s.session, s.sampleRate, s.bufferSize, count(s.xruns), count(s.droppedCommands), float(s.uptimeSeconds),
            s.tracks, s.buses, float(s.dspLoadPercent), transport, recording, count(c.clients), count(c.subscribers),
            count(c.meterSubscribers), count(c.received), count(c.errors), count(c.dropped), count(c.blocked),
            count(c.refusedBytes), count(c.refusedConnections), count(c.evicted), count(c.noticesDropped), scene.name,
            int(scene.dirty), song.song, song.section, barInSection, song.next, midi.api, midiInputs, midiOutputs}});
    const std::pair<const char*, OscReply::Arg> fields[] = {
        {"session", s.session},
        {"sample_rate", s.sampleRate},
        {"buffer_size", s.bufferSize},
        {"xruns", count(s.xruns)},
        {"dropped_commands", count(s.droppedCommands)},
        {"uptime", float(s.uptimeSeconds)},
        {"tracks", s.tracks},
        {"buses", s.buses},
        {"dsp_load", float(s.dspLoadPercent)},
        {"transport", transport},
        {"recording", recording},
        {"osc/clients", count(c.clients)},
        {"osc/subscribers", count(c.subscribers)},
        {"osc/meter_subscribers", count(c.meterSubscribers)},
        {"osc/tcp_connections", count(c.tcpConnections)},
        {"osc/web_connections", count(c.webConnections)},
        {"osc/received", count(c.received)},
        {"osc/errors", count(c.errors)},
        {"osc/dropped", count(c.dropped)},
        {"osc/notices_dropped", count(c.noticesDropped)},
        {"osc/blocked", count(c.blocked)},
        {"osc/refused_bytes", count(c.refusedBytes)},
        {"osc/refused_connections", count(c.refusedConnections)},
        {"osc/evicted", count(c.evicted)},
    };
    for (const auto& [name, value] : fields)
        call.out.push_back(OscReply {fmt::format("/status/{}", name), {value}});
    call.out.push_back(OscReply {"/status/scene", {scene.name, int(scene.dirty)}});
    call.out.push_back(OscReply {"/status/arrangement", {song.song, song.section, barInSection, song.next}});
    call.out.push_back(OscReply {"/status/midi", {midi.api, midiInputs, midiOutputs}});
}

void OscDispatcher::meters(OscCall& call)
{
    MeterStream stream;
    stream.update(control_.meters());
    for (const auto& m : stream.messages(MeterFormat::Levels))
        call.out.push_back(m);
}

void OscDispatcher::resetLoudness(OscCall& call)
{
    control_.resetLoudness();
    call.out.push_back(OscReply {"/meters/loudness/reset", {}});
}

void OscDispatcher::reload(OscCall& call)
{
    if (auto name = control_.reloadSession(); !name)
        call.out.push_back(errorReply(call.address, name.error().message));
    else
        call.out.push_back(OscReply {"/session/reloaded", {*name}});
}

void OscDispatcher::save(OscCall& call)
{
    answerOptionalText(call, "the file to write", "/session/saved",
        [this](std::string_view path) { return control_.saveSession(path); });
}

} // namespace backline::control
