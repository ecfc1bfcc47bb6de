// SPDX-License-Identifier: GPL-3.0-or-later
// The /scene/… routes, on the OSC thread: store, recall, list, get, delete, rename, undo,
// current, blind edit and recall safes, each through the control port's ScenePort. Each answers
// its sender with what it did, or /error with why not; a refused request changes nothing.
#include "control/osc/OscDispatcher.h"

#include "control/osc/OscArg.h"
#include "control/osc/OscPacket.h"
#include "control/osc/SceneFeed.h"

#include <fmt/format.h>

#include <cmath>

namespace backline::control {

std::optional<std::string> textArg(const OscCall& call, int i)
{
    if (i >= call.argc || (call.types[std::size_t(i)] != LO_STRING && call.types[std::size_t(i)] != LO_SYMBOL))
        return std::nullopt;
    return std::string(oscArgString(call.argv[i]));
}

namespace {

/// Whether every argument is text (a scope, a list of names).
bool allText(const OscCall& call, int from)
{
    for (int i = from; i < call.argc; ++i)
        if (!textArg(call, i))
            return false;
    return true;
}

/// The recall's optional fade (a number) and moment ("now", "beat", "bar"), after the name, in
/// that order; either may be left out. The error says what was wrong.
Result<port::RecallOptions> recallOptions(const OscCall& call)
{
    port::RecallOptions options;
    int i = 1;
    if (i < call.argc && call.types[std::size_t(i)] != LO_STRING && call.types[std::size_t(i)] != LO_SYMBOL) {
        const auto fade = numberArg(call.types, call.argv, i);
        if (!fade)
            return makeError(ErrorCode::Param,
                fmt::format("the fade must be a number of seconds, got {}", typeName(call.types[std::size_t(i)])));
        options.fadeSeconds = *fade;
        ++i;
    }
    if (i < call.argc) {
        const auto text = textArg(call, i);
        const auto when = text ? port::parseRecallWhen(*text) : std::nullopt;
        if (!when)
            return makeError(ErrorCode::Param,
                fmt::format("when must be now, beat or bar, got {}",
                    text ? fmt::format("'{}'", printableAddress(*text)) : typeName(call.types[std::size_t(i)])));
        options.when = *when;
        ++i;
    }
    if (i < call.argc)
        return makeError(ErrorCode::Param, "expects a scene's name, then optionally a fade in seconds and when (now, beat, bar)");
    return options;
}

} // namespace

void OscDispatcher::sceneStore(OscCall& call)
{
    const auto name = textArg(call, 0);
    if (!name || !allText(call, 1)) {
        call.out.push_back(errorReply(call.address, "expects a scene's name, then optionally scope globs (s…) like /track/vox/*"));
        return;
    }
    std::vector<std::string> scope;
    for (int i = 1; i < call.argc; ++i)
        scope.push_back(*textArg(call, i));
    if (auto count = control_.scenes().store(*name, scope); !count)
        call.out.push_back(errorReply(call.address, count.error().message));
    else
        call.out.push_back(OscReply {"/scene/stored", {*name, int(*count)}});
}

void OscDispatcher::sceneRecall(OscCall& call)
{
    const auto name = textArg(call, 0);
    if (!name) {
        call.out.push_back(errorReply(call.address, "expects a scene's name, then optionally a fade in seconds and when (now, beat, bar)"));
        return;
    }
    auto options = recallOptions(call);
    if (!options) {
        call.out.push_back(errorReply(call.address, options.error().message));
        return;
    }
    if (call.batch && call.batch->timed) {
        // At the bundle's time: checked now, so a bad one refuses the bundle whole.
        auto problem = port::fadeProblem(options->fadeSeconds.value_or(0.0));
        if (problem.empty())
            if (auto scene = control_.scenes().get(*name); !scene)
                problem = scene.error().message;
        if (!problem.empty()) {
            ++call.batch->invalid;
            call.out.push_back(errorReply(call.address, problem));
            return;
        }
        call.batch->actions.push_back({std::string(call.address),
            [this, scene = std::string(*name), recall = *options](std::uint64_t engineFrame) mutable {
                recall.atFrame = engineFrame;
                return control_.scenes().recall(scene, recall);
            }});
        call.out.push_back(OscReply {"/scene/recalled", {*name}});
        return;
    }
    if (auto r = control_.scenes().recall(*name, *options); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/scene/recalled", {*name}});
}

void OscDispatcher::sceneList(OscCall& call)
{
    OscReply reply {"/scene/list", {}};
    for (auto& name : control_.scenes().list())
        reply.args.emplace_back(std::move(name));
    call.out.push_back(std::move(reply));
}

void OscDispatcher::sceneGet(OscCall& call)
{
    const auto name = textArg(call, 0);
    if (!name || call.argc != 1) {
        call.out.push_back(errorReply(call.address, "expects a scene's name"));
        return;
    }
    auto values = control_.scenes().get(*name);
    if (!values) {
        call.out.push_back(errorReply(call.address, values.error().message));
        return;
    }
    OscReply reply {"/scene/get", {*name}};
    for (const auto& [address, value] : *values) {
        reply.args.emplace_back(address);
        reply.args.emplace_back(float(value));
    }
    call.out.push_back(std::move(reply));
}

void OscDispatcher::sceneDelete(OscCall& call)
{
    const auto name = textArg(call, 0);
    if (!name || call.argc != 1) {
        call.out.push_back(errorReply(call.address, "expects a scene's name"));
        return;
    }
    if (auto r = control_.scenes().remove(*name); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/scene/deleted", {*name}});
}

void OscDispatcher::sceneRename(OscCall& call)
{
    const auto from = textArg(call, 0);
    const auto to = textArg(call, 1);
    if (!from || !to || call.argc != 2) {
        call.out.push_back(errorReply(call.address, "expects the scene's name and its new name"));
        return;
    }
    if (auto r = control_.scenes().rename(*from, *to); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/scene/renamed", {*from, *to}});
}

void OscDispatcher::sceneUndo(OscCall& call)
{
    if (auto r = control_.scenes().undo(); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/scene/undone", {control_.scenes().current().name}});
}

void OscDispatcher::sceneCurrent(OscCall& call)
{
    call.out.push_back(sceneCurrentMessage(control_.scenes().current()));
}

void OscDispatcher::sceneEdit(OscCall& call)
{
    const auto name = textArg(call, 0);
    const auto address = textArg(call, 1);
    const auto value = numberArg(call.types, call.argv, 2);
    if (!name || !address || !value || call.argc != 3) {
        call.out.push_back(errorReply(call.address, "expects a scene's name, a parameter's address and a number"));
        return;
    }
    if (auto stored = control_.scenes().edit(*name, *address, *value); !stored)
        call.out.push_back(errorReply(call.address, stored.error().message));
    else
        call.out.push_back(OscReply {"/scene/edited", {*name, *address, *stored}});
}

void OscDispatcher::sceneSafe(OscCall& call)
{
    if (call.argc == 0) {
        for (const auto& [glob, on] : control_.scenes().safe())
            call.out.push_back(OscReply {"/scene/safe", {glob, int(on)}});
        call.out.push_back(OscReply {"/scene/safe/end", {}});
        return;
    }
    const auto glob = textArg(call, 0);
    const auto on = numberArg(call.types, call.argv, 1);
    if (!glob || !on || call.argc != 2 || (*on != 0.0 && *on != 1.0)) {
        call.out.push_back(errorReply(call.address, "expects a glob (or a track's name) and 1 (safe) or 0 (not)"));
        return;
    }
    if (auto r = control_.scenes().setSafe(*glob, *on != 0.0); !r)
        call.out.push_back(errorReply(call.address, r.error().message));
    else
        call.out.push_back(OscReply {"/scene/safe", {*glob, int(*on)}});
}

} // namespace backline::control
