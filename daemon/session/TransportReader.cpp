// SPDX-License-Identifier: GPL-3.0-or-later
// The `transport:` map: the tempo and meter a session starts at, and how it relates to JACK's
// transport ([control]).
#include "session/TransportReader.h"

#include "core/TransportText.h"
#include "session/MeterReader.h"

#include <fmt/format.h>

#include <array>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 3> transportKeys {"tempo", "meter", "jack"};

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
            auto meter = readMeter(yaml, field, "in 'transport'");
            if (!meter)
                return meter.error();
            transport.meterNum = meter->num;
            transport.meterDen = meter->den;
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
