// SPDX-License-Identifier: GPL-3.0-or-later
// The /record/… routes: takes, markers, sources and the recorder's status. /record/start,
// /record/stop and /record/sources run on the job thread (a stop syncs files), the others on the OSC thread.
#include "control/osc/OscDispatcher.h"

#include "control/osc/OscArg.h"

#include <fmt/format.h>

#include <climits>

namespace backline::control {

namespace {

int clampInt(std::uint64_t n) { return int(std::min<std::uint64_t>(n, INT_MAX)); }

} // namespace

std::optional<std::vector<std::string>> textArgs(std::string_view types, lo_arg** argv, int argc, std::string& problem)
{
    std::vector<std::string> out;
    for (int i = 0; i < argc; ++i) {
        const char t = types[std::size_t(i)];
        if (t != LO_STRING && t != LO_SYMBOL) {
            problem = fmt::format("argument {} must be a string, got {}", i + 1, typeName(t));
            return std::nullopt;
        }
        out.emplace_back(oscArgString(argv[i]));
    }
    return out;
}

void answerOptionalText(OscCall& call, std::string_view what, std::string reply,
    const std::function<Result<std::string>(std::string_view)>& run)
{
    std::string problem;
    auto args = textArgs(call.types, call.argv, call.argc, problem);
    if (!args || args->size() > 1) {
        call.out.push_back(errorReply(call.address, args ? fmt::format("takes at most one argument: {}", what) : problem));
        return;
    }
    auto result = run(args->empty() ? std::string_view() : std::string_view((*args)[0]));
    if (!result)
        call.out.push_back(errorReply(call.address, result.error().message));
    else
        call.out.push_back(OscReply {std::move(reply), {*result}});
}

void OscDispatcher::recordStart(OscCall& call)
{
    answerOptionalText(call, "the take's name", "/record/started",
        [this](std::string_view name) { return control_.recordStart(name); });
}

void OscDispatcher::recordStop(OscCall& call)
{
    if (auto r = control_.recordStop(); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/record/stopped", {}});
}

void OscDispatcher::recordMarker(OscCall& call)
{
    std::string problem;
    auto args = textArgs(call.types, call.argv, call.argc, problem);
    if (!args || args->size() != 1) {
        call.out.push_back(errorReply(call.address, args ? "takes one argument: the marker's name" : problem));
        return;
    }
    if (call.batch && call.batch->timed) {
        // At the bundle's time, on its engine frame: checked now, so a bad one refuses the bundle.
        if (auto wrong = port::markerNameProblem((*args)[0]); !wrong.empty()) {
            ++call.batch->invalid;
            call.out.push_back(errorReply(call.address, wrong));
            return;
        }
        call.batch->actions.push_back({std::string(call.address), [this, name = (*args)[0]](std::uint64_t engineFrame) {
            return control_.recordMarker(name, engineFrame ? std::optional(engineFrame) : std::nullopt);
        }});
        call.out.push_back(OscReply {"/record/marked", {(*args)[0]}});
        return;
    }
    if (auto r = control_.recordMarker((*args)[0]); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/record/marked", {(*args)[0]}});
}

void OscDispatcher::recordStatus(OscCall& call)
{
    auto s = control_.recordStatus();
    if (!s) {
        call.out.push_back(errorReply(call.address, s.error().message));
        return;
    }
    call.out.push_back(OscReply {"/record/status",
        {std::string(port::toString(s->state)), s->takeFolder.string(), float(s->takeSeconds), s->segment,
            clampInt(s->markers), clampInt(s->xrunsInTake), clampInt(s->droppedInTake),
            float(double(s->freeBytes) / (1024.0 * 1024.0)), s->lastError}});
    for (const auto& source : s->sources)
        call.out.push_back(OscReply {"/record/status/source",
            {source.id, clampInt(source.droppedInTake), clampInt(source.droppedTotal), source.ringFill}});
}

void OscDispatcher::recordSources(OscCall& call)
{
    if (call.argc == 0) {
        std::vector<OscReply::Arg> ids;
        for (auto& id : control_.recordSources())
            ids.emplace_back(std::move(id));
        call.out.push_back(OscReply {"/record/sources", std::move(ids)});
        return;
    }
    std::string problem;
    auto args = textArgs(call.types, call.argv, call.argc, problem);
    if (!args) {
        call.out.push_back(errorReply(call.address, problem));
        return;
    }
    if (auto r = control_.setRecordSources(*args); !r) {
        call.out.push_back(errorReply(call.address, r.error().message));
        return;
    }
    std::vector<OscReply::Arg> ids(args->begin(), args->end());
    call.out.push_back(OscReply {"/record/sources", std::move(ids)});
}

} // namespace backline::control
