// SPDX-License-Identifier: GPL-3.0-or-later
// The session's MIDI mappings against the parameters of the graph built from it ([control]).
#include "app/MidiMapCheck.h"

#include "core/ClosestMatch.h"
#include "port/MidiPort.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

namespace backline::app {

Result<void> checkMidiMap(const session::SessionSpec& spec, std::span<const port::ParamInfo> params)
{
    auto at = [&](const session::MidiMapSpec& entry, std::string why) {
        return entry.where.error(fmt::format("in 'midi.map', {}: {}", midi::toString(entry.mapping.source), why));
    };
    for (const auto& entry : spec.midi.map) {
        const auto& m = entry.mapping;
        if (m.source.kind == midi::MidiSource::Kind::Program) {
            const bool found = std::any_of(spec.scenes.begin(), spec.scenes.end(),
                [&](const session::SceneSpec& scene) { return scene.name == m.scene; });
            if (!found)
                return at(entry, fmt::format("scene '{}' is not in the session's 'scenes'", m.scene));
            continue;
        }
        const auto param = std::find_if(
            params.begin(), params.end(), [&](const port::ParamInfo& p) { return p.address == m.address; });
        if (param == params.end()) {
            std::vector<std::string_view> addresses;
            for (const auto& p : params)
                addresses.emplace_back(p.address);
            const auto near = closestMatch(m.address, addresses);
            return at(entry,
                near ? fmt::format("unknown parameter '{}' (did you mean '{}'?)", m.address, *near)
                     : fmt::format("unknown parameter '{}'", m.address));
        }
        if (auto range = midi::resolveRange(m, port::midiTraits(*param)); !range)
            return at(entry, range.error().message);
    }
    return {};
}

} // namespace backline::app
