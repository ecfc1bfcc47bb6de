// SPDX-License-Identifier: GPL-3.0-or-later
// The /midi/… routes, on the OSC thread: learn a controller's knob for a parameter, add and
// list mappings, remove them, and the MIDI devices' status.
#include "control/osc/OscDispatcher.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace backline::control {

namespace {

/// The reply that lists one mapping: source, target (a parameter, or "scene:NAME"), curve, min,
/// max, pickup, origin.
OscReply mappingReply(const port::MidiMapEntry& entry)
{
    const auto& m = entry.mapping;
    const bool program = m.source.kind == midi::MidiSource::Kind::Program;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    return OscReply {"/midi/map",
        {midi::toString(m.source), program ? "scene:" + m.scene : m.address,
            m.curve ? std::string(midi::toString(*m.curve)) : std::string("auto"), m.min ? float(*m.min) : nan,
            m.max ? float(*m.max) : nan, m.pickup ? 1 : 0, std::string(port::toString(entry.origin))}};
}

} // namespace

void OscDispatcher::midiLearn(OscCall& call)
{
    const auto address = textArg(call, 0);
    if (!address || call.argc != 1)
        return call.out.push_back(errorReply(call.address, "expects a parameter's address (s), e.g. /track/vox/gain"));
    if (auto r = control_.midi().learn(*address); !r)
        return call.out.push_back(errorReply(call.address, r.error().message));
    call.out.push_back(OscReply {"/midi/learn", {*address}});
}

void OscDispatcher::midiLearnCancel(OscCall& call)
{
    call.out.push_back(OscReply {"/midi/learn/cancelled", {control_.midi().cancelLearn() ? 1 : 0}});
}

void OscDispatcher::midiMap(OscCall& call)
{
    if (call.argc == 0) {
        const auto entries = control_.midi().mappings();
        for (const auto& entry : entries)
            call.out.push_back(mappingReply(entry));
        call.out.push_back(OscReply {"/midi/map/end", {int(entries.size())}});
        return;
    }
    auto fail = [&](std::string why) { call.out.push_back(errorReply(call.address, std::move(why))); };
    const auto sourceText = textArg(call, 0);
    const auto target = textArg(call, 1);
    if (!sourceText || !target)
        return fail("expects a control (s: cc:7, cc:7@1, cc14:1, nrpn:1000, note:36, program:5) and a parameter's "
                    "address or scene:NAME (s), then optionally a curve (s) and min and max (two numbers), and "
                    "pickup (0 or 1)");
    auto source = midi::parseSource(*sourceText);
    if (!source)
        return fail(source.error().message);
    midi::MidiMapping mapping;
    mapping.source = *source;
    if (source->kind == midi::MidiSource::Kind::Program) {
        if (!target->starts_with("scene:") || target->size() == 6)
            return fail("a program change recalls a scene: give its target as scene:NAME");
        mapping.scene = target->substr(6);
        if (call.argc > 2)
            return fail("a program change takes no curve, range or pickup");
    } else {
        mapping.address = *target;
    }
    int next = 2;
    if (next < call.argc) {
        if (const auto curve = textArg(call, next)) {
            if (*curve != "auto") {
                mapping.curve = midi::parseCurve(*curve);
                if (!mapping.curve)
                    return fail(fmt::format("the curve is linear, log, db, toggle, momentary or auto, got '{}'", *curve));
            }
            ++next;
        }
    }
    if (call.argc - next >= 2) {
        const auto min = numberArg(call.types, call.argv, next);
        const auto max = numberArg(call.types, call.argv, next + 1);
        if (!min || !max)
            return fail("min and max must be numbers");
        if (!std::isnan(*min))
            mapping.min = *min;
        if (!std::isnan(*max))
            mapping.max = *max;
        next += 2;
    }
    if (next < call.argc) {
        const auto pickup = numberArg(call.types, call.argv, next);
        if (!pickup || (*pickup != 0.0 && *pickup != 1.0))
            return fail("pickup is 0 or 1");
        mapping.pickup = *pickup == 1.0;
        ++next;
    }
    if (next != call.argc)
        return fail(fmt::format("takes at most {} arguments, got {}", next, call.argc));
    if (auto r = control_.midi().map(mapping); !r)
        return fail(r.error().message);
    call.out.push_back(mappingReply({mapping, port::MidiMapOrigin::Live}));
}

void OscDispatcher::midiUnmap(OscCall& call)
{
    const auto what = textArg(call, 0);
    if (!what || call.argc != 1)
        return call.out.push_back(errorReply(call.address, "expects a control (s: cc:7, note:36@10, …) or a parameter's address"));
    auto removed = control_.midi().unmap(*what);
    if (!removed)
        return call.out.push_back(errorReply(call.address, removed.error().message));
    call.out.push_back(OscReply {"/midi/unmapped", {*what, int(*removed)}});
}

void OscDispatcher::midiStatus(OscCall& call)
{
    const auto s = control_.midi().status();
    auto clamp = [](std::uint64_t n) { return int(std::min<std::uint64_t>(n, std::numeric_limits<int>::max())); };
    call.out.push_back(OscReply {"/midi/status",
        {s.api, s.problem, int(s.inputs.size()), int(s.outputs.size()), clamp(s.received), clamp(s.dropped),
            clamp(s.feedbackSent), s.learning}});
    OscReply inputs {"/midi/status/inputs", {}};
    for (const auto& name : s.inputs)
        inputs.args.emplace_back(name);
    call.out.push_back(std::move(inputs));
    OscReply outputs {"/midi/status/outputs", {}};
    for (const auto& name : s.outputs)
        outputs.args.emplace_back(name);
    call.out.push_back(std::move(outputs));
}

} // namespace backline::control
