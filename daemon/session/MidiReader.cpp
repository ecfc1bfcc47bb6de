// SPDX-License-Identifier: GPL-3.0-or-later
// The `midi:` map: hardware controllers' ports, feedback and `map:` ([control]).
#include "session/MidiReader.h"

#include "session/PortPattern.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 9> midiKeys { "api", "inputs", "outputs", "feedback_rate", "program_change",
    "map", "jack_in", "jack_out", "clock" };
constexpr std::array<std::string_view, 4> clockKeys { "out", "connect", "while_stopped", "in" };
constexpr std::array<std::string_view, 12> mapKeys { "cc", "cc14", "nrpn", "note", "program", "channel", "to", "scene",
    "curve", "min", "max", "pickup" };
constexpr double maxFeedbackRate = 1000.0; // a MIDI cable carries ~1000 three-byte messages a second

Result<void> readPatterns(const YamlReader& yaml, const YamlEntry& field, std::vector<std::string>& out)
{
    auto patterns = yaml.textList(field, "a pattern of MIDI port names", "[\"nanoKONTROL2.*\"]");
    if (!patterns)
        return patterns.error();
    for (const auto& pattern : *patterns)
        if (auto problem = portPatternProblem(pattern); !problem.empty())
            return yaml.errorAt(yaml.locate(field),
                fmt::format("'{}' in 'midi.{}' {}; a whole port name is taken as it is, otherwise it is a POSIX "
                            "extended regular expression ('.*' matches anything)",
                    pattern, field.key, problem));
    out = std::move(*patterns);
    return {};
}

/// Patterns of JACK MIDI ports backline's own MIDI ports connect to (`jack_in`, `jack_out`,
/// `clock.connect`): whole names as jack_lsp prints them, or JACK's regular expressions.
Result<void> readJackPatterns(const YamlReader& yaml, const YamlEntry& field, const std::string& key,
    std::vector<std::string>& out)
{
    auto patterns = yaml.textList(field, "a pattern of JACK MIDI port names", "[\"a2j:TR-8.*\"]");
    if (!patterns)
        return patterns.error();
    for (const auto& pattern : *patterns)
        if (auto problem = portPatternProblem(pattern); !problem.empty())
            return yaml.errorAt(yaml.locate(field),
                fmt::format("'{}' in 'midi.{}' {}; a whole port name as jack_lsp prints it is taken as it is, "
                            "otherwise it is a POSIX extended regular expression ('.*' matches anything)",
                    pattern, key, problem));
    out = std::move(*patterns);
    return {};
}

/// `midi.clock`: `out`, `connect`, `while_stopped`.
Result<void> readClock(const YamlReader& yaml, const YamlEntry& entry, MidiSpec::Clock& clock)
{
    if (!entry.value.IsMap())
        return yaml.errorAt(yaml.locate(entry),
            fmt::format("'midi.clock' must be a map like {{out: true, connect: [\"a2j:TR-8.*\"]}}, got {}",
                YamlReader::describe(entry.value)));
    auto fields = yaml.mapEntries(entry, "in 'midi.clock'");
    if (!fields)
        return fields.error();
    if (auto known = yaml.checkKeys(*fields, clockKeys, "in 'midi.clock'"); !known)
        return known;
    for (const YamlEntry& field : *fields) {
        if (field.key == "out" || field.key == "while_stopped" || field.key == "in") {
            auto on = yaml.boolean(field);
            if (!on)
                return on.error();
            (field.key == "out" ? clock.out : field.key == "in" ? clock.in : clock.whileStopped) = *on;
        } else if (field.key == "connect") {
            if (auto r = readJackPatterns(yaml, field, "clock.connect", clock.connect); !r)
                return r;
        }
    }
    return {};
}

/// One entry of `midi.map`.
Result<MidiMapSpec> readMapping(const YamlReader& yaml, const YAML::Node& item, std::size_t index)
{
    const std::string context = fmt::format("in entry {} of 'midi.map'", index + 1);
    MidiMapSpec spec;
    spec.where = yaml.locate(item);
    if (!item.IsMap())
        return yaml.errorAt(spec.where,
            fmt::format("each entry of 'midi.map' must be a map like {{cc: 7, to: /track/vox/gain}}, got {}",
                YamlReader::describe(item)));
    auto fields = yaml.entries(item, context);
    if (!fields)
        return fields.error();
    if (auto known = yaml.checkKeys(*fields, mapKeys, context); !known)
        return known.error();
    midi::MidiMapping& m = spec.mapping;
    const YamlEntry* sourceField = nullptr;
    for (const YamlEntry& field : *fields) {
        if (const auto kind = midi::parseKind(field.key)) {
            if (sourceField)
                return yaml.errorAt(yaml.locate(field),
                    fmt::format("{}: '{}' and '{}' both name the control; a mapping listens to one", context,
                        sourceField->key, field.key));
            sourceField = &field;
            const int max = *kind == midi::MidiSource::Kind::Nrpn ? midi::maxFourteenBit
                : *kind == midi::MidiSource::Kind::Cc14           ? midi::maxCc14Msb
                                                                  : midi::maxSevenBit;
            auto number = yaml.integer(field, 0, max);
            if (!number)
                return number.error();
            m.source.kind = *kind;
            m.source.number = *number;
        } else if (field.key == "channel") {
            auto channel = yaml.integer(field, 0, 16);
            if (!channel)
                return channel.error();
            m.source.channel = *channel;
        } else if (field.key == "to" || field.key == "scene") {
            auto text = yaml.text(field);
            if (!text)
                return text.error();
            (field.key == "to" ? m.address : m.scene) = std::move(*text);
        } else if (field.key == "curve") {
            auto text = yaml.text(field);
            if (!text)
                return text.error();
            m.curve = midi::parseCurve(*text);
            if (!m.curve)
                return yaml.errorAt(yaml.locate(field),
                    fmt::format("{}: 'curve' must be linear, log, db, toggle or momentary, got '{}'", context, *text));
        } else if (field.key == "min" || field.key == "max") {
            auto number = yaml.number(field);
            if (!number)
                return number.error();
            (field.key == "min" ? m.min : m.max) = *number;
        } else if (field.key == "pickup") {
            auto pickup = yaml.boolean(field);
            if (!pickup)
                return pickup.error();
            m.pickup = *pickup;
        }
    }
    if (!sourceField)
        return yaml.errorAt(spec.where,
            fmt::format("{}: say which control it listens to: cc, cc14, nrpn, note or program", context));
    const bool program = m.source.kind == midi::MidiSource::Kind::Program;
    if (program && !m.address.empty())
        return yaml.errorAt(spec.where,
            fmt::format("{}: a program change recalls a scene: write 'scene: NAME', not 'to'", context));
    if (!program && !m.scene.empty())
        return yaml.errorAt(spec.where,
            fmt::format("{}: only a program change recalls a scene; a {} sets a parameter with 'to'", context,
                sourceField->key));
    if (program && m.scene.empty())
        return yaml.errorAt(spec.where, fmt::format("{}: say which scene the program recalls ('scene: NAME')", context));
    if (!program && m.address.empty())
        return yaml.errorAt(spec.where,
            fmt::format("{}: say which parameter it moves ('to: /track/NAME/gain', say)", context));
    if (program && (m.curve || m.min || m.max))
        return yaml.errorAt(spec.where, fmt::format("{}: a program change has no curve, min or max", context));
    return spec;
}

Result<void> readMap(const YamlReader& yaml, const YamlEntry& field, std::vector<MidiMapSpec>& map)
{
    if (!field.value.IsSequence())
        return yaml.errorAt(yaml.locate(field),
            fmt::format("'midi.map' must be a list of mappings like [{{cc: 7, to: /track/vox/gain}}], got {}",
                YamlReader::describe(field.value)));
    std::size_t index = 0;
    for (const auto& item : field.value) {
        auto mapping = readMapping(yaml, item, index);
        if (!mapping)
            return mapping.error();
        const auto same = std::find_if(map.begin(), map.end(), [&](const MidiMapSpec& other) {
            return other.mapping.source == mapping->mapping.source;
        });
        if (same != map.end())
            return yaml.errorAt(mapping->where,
                fmt::format("{} is mapped twice in 'midi.map' (first at line {}): one control moves one thing",
                    midi::toString(mapping->mapping.source), same->where.line));
        map.push_back(std::move(*mapping));
        ++index;
    }
    return {};
}

} // namespace

Result<void> readMidi(const YamlReader& yaml, const YamlEntry& entry, MidiSpec& midi)
{
    midi.where = yaml.locate(entry);
    auto fields = yaml.mapEntries(entry, "in 'midi'");
    if (!fields)
        return fields.error();
    if (auto known = yaml.checkKeys(*fields, midiKeys, "in 'midi'"); !known)
        return known;
    for (const YamlEntry& field : *fields) {
        Result<void> read;
        if (field.key == "api") {
            auto text = yaml.text(field);
            if (!text)
                return text.error();
            if (*text == "auto")
                midi.api = MidiApi::Auto;
            else if (*text == "alsa")
                midi.api = MidiApi::Alsa;
            else if (*text == "jack")
                midi.api = MidiApi::Jack;
            else
                return yaml.errorAt(yaml.locate(field),
                    fmt::format("'midi.api' must be auto, alsa or jack, got '{}'", *text));
        } else if (field.key == "inputs") {
            read = readPatterns(yaml, field, midi.inputs);
        } else if (field.key == "outputs") {
            read = readPatterns(yaml, field, midi.outputs);
        } else if (field.key == "feedback_rate") {
            auto rate = yaml.number(field, {1.0, maxFeedbackRate, "messages per second"});
            if (!rate)
                return rate.error();
            midi.feedbackRate = *rate;
        } else if (field.key == "program_change") {
            auto text = yaml.text(field);
            if (!text)
                return text.error();
            if (*text != "scenes" && *text != "off")
                return yaml.errorAt(yaml.locate(field),
                    fmt::format("'midi.program_change' must be scenes (program N recalls the scene at place N + 1) "
                                "or off, got '{}'",
                        *text));
            midi.programScenes = *text == "scenes";
        } else if (field.key == "map") {
            read = readMap(yaml, field, midi.map);
        } else if (field.key == "jack_in") {
            read = readJackPatterns(yaml, field, "jack_in", midi.jackIn);
        } else if (field.key == "jack_out") {
            read = readJackPatterns(yaml, field, "jack_out", midi.jackOut);
        } else if (field.key == "clock") {
            read = readClock(yaml, field, midi.clock);
        }
        if (!read)
            return read;
    }
    return {};
}

} // namespace backline::session
