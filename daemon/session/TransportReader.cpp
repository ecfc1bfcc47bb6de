// SPDX-License-Identifier: GPL-3.0-or-later
// The `transport:` map: the tempo and meter a session starts at, and how it relates to JACK's
// transport ([control]).
#include "session/TransportReader.h"

#include "core/TransportText.h"

#include <fmt/format.h>

#include <array>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 3> transportKeys {"tempo", "meter", "jack"};

/// `meter: [num, den]`, checked by the transport's rule; the message points at the number at fault.
Result<void> readMeter(const YamlReader& yaml, const YamlEntry& field, TransportSpec& transport)
{
    const auto shape = [&] {
        return yaml.errorAt(yaml.locate(field),
            fmt::format("'meter' must be two whole numbers like [4, 4] (beats to the bar, the beat's note value), got {}",
                YamlReader::describe(field.value)));
    };
    if (!field.value.IsSequence() || field.value.size() != 2)
        return shape();
    int parts[2] {};
    for (std::size_t i = 0; i < 2; ++i) {
        auto part = yaml.integer(YamlEntry {"meter", field.keyNode, field.value[i]}, -1'000'000, 1'000'000);
        if (!part)
            return shape();
        parts[i] = *part;
    }
    if (auto problem = transport::meterProblem(parts[0], parts[1]); !problem.empty()) {
        const bool beatsAtFault = parts[0] < 1 || parts[0] > transport::maxBeatsPerBar;
        return yaml.errorAt(yaml.locate(field.value[beatsAtFault ? 0 : 1]), fmt::format("in 'transport': {}", problem));
    }
    transport.meterNum = parts[0];
    transport.meterDen = parts[1];
    return {};
}

} // namespace

Result<void> readTransport(const YamlReader& yaml, const YamlEntry& entry, TransportSpec& transport)
{
    transport.where = yaml.locate(entry);
    auto entries = yaml.mapEntries(entry, "in 'transport'");
    if (!entries)
        return entries.error();
    if (auto known = yaml.checkKeys(*entries, transportKeys, "in 'transport'"); !known)
        return known;
    for (const YamlEntry& field : *entries) {
        if (field.key == "tempo") {
            auto bpm = yaml.number(field, {transport::minBpm, transport::maxBpm, "BPM"});
            if (!bpm)
                return bpm.error();
            transport.tempo = *bpm;
        } else if (field.key == "meter") {
            if (auto r = readMeter(yaml, field, transport); !r)
                return r;
        } else if (field.key == "jack") {
            auto text = yaml.text(field);
            if (!text)
                return text.error();
            auto mode = transport::parseJackMode(*text);
            if (!mode)
                return yaml.errorAt(yaml.locate(field),
                    fmt::format("'jack' must be off, follow or lead, got '{}'", *text));
            transport.jack = *mode;
        }
    }
    return {};
}

} // namespace backline::session
