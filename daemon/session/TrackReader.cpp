// SPDX-License-Identifier: GPL-3.0-or-later
// The `tracks:` list: each track's own keys and its sends ([control]).
#include "session/TrackReader.h"

#include "core/Config.h"
#include "session/ChannelReader.h"
#include "session/DspReader.h"
#include "session/FileReference.h"
#include "session/PortPattern.h"

#include <fmt/format.h>

#include <array>
#include <optional>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 17> trackKeys { "name", "channels", "inputs", "input_file", "dsp", "params",
    "gain", "pan", "mute", "solo", "strip", "sends", "output", "voices", "mode", "bend", "midi" };
constexpr std::array<std::string_view, 3> trackMidiKeys { "channel", "inputs", "devices" };
constexpr std::array<std::string_view, 3> sendKeys { "bus", "level", "pre" };

constexpr ChannelKind trackKind {
    .noun = "track",
    .list = "tracks",
    .example = "vox",
    .emptyHint = "; 'tracks: []' for none",
    .paramsHint = " (the channel strip's own controls go under 'strip', and 'gain', 'pan', 'mute', 'solo')",
    .keys = trackKeys,
    .most = config::maxTracks,
};

Result<SendSpec> readSend(const YamlReader& yaml, const YAML::Node& node, const std::string& label)
{
    if (!node.IsMap())
        return yaml.errorAt(yaml.locate(node),
            fmt::format("each send of {} must be a map like '{{bus: verb, level: -12, pre: false}}', got {}", label,
                YamlReader::describe(node)));
    const std::string context = "in a send of " + label;
    auto fields = yaml.entries(node, context);
    if (!fields)
        return fields.error();
    if (auto known = yaml.checkKeys(*fields, sendKeys, context); !known)
        return known.error();
    SendSpec send;
    send.where = yaml.locate(node);
    bool hasBus = false;
    for (const YamlEntry& field : *fields) {
        if (field.key == "bus") {
            auto bus = yaml.text(field);
            if (!bus)
                return bus.error();
            send.bus = std::move(*bus);
            send.where = yaml.locate(field);
            hasBus = true;
        } else if (field.key == "level") {
            auto level = yaml.number(field, gainRange);
            if (!level)
                return level.error();
            send.levelDb = *level;
        } else if (field.key == "pre") {
            auto pre = yaml.boolean(field);
            if (!pre)
                return pre.error();
            send.pre = *pre;
        }
    }
    if (!hasBus)
        return yaml.errorAt(send.where, fmt::format("a send of {} has no 'bus'", label));
    return send;
}

Result<std::vector<SendSpec>> readSends(const YamlReader& yaml, const YamlEntry& entry, const std::string& label)
{
    if (!entry.value.IsSequence())
        return yaml.errorAt(yaml.locate(entry),
            fmt::format("'sends' of {} must be a list like '- {{bus: verb, level: -12}}', got {}", label,
                YamlReader::describe(entry.value)));
    std::vector<SendSpec> sends;
    for (const auto& node : entry.value) {
        auto send = readSend(yaml, node, label);
        if (!send)
            return send.error();
        sends.push_back(std::move(*send));
    }
    return sends;
}

InstrumentSpec& instrumentOf(TrackSpec& track)
{
    if (!track.instrument)
        track.instrument.emplace();
    return *track.instrument;
}

Result<InstrumentSpec::Mode> readVoiceMode(const YamlReader& yaml, const YamlEntry& entry, const std::string& label)
{
    auto text = yaml.text(entry);
    if (!text)
        return text.error();
    if (*text == "poly")
        return InstrumentSpec::Mode::Poly;
    if (*text == "mono")
        return InstrumentSpec::Mode::Mono;
    if (*text == "legato")
        return InstrumentSpec::Mode::Legato;
    return yaml.errorAt(yaml.locate(entry),
        fmt::format("'mode' of {} must be poly, mono or legato, got '{}'", label, *text));
}

/// A track's `midi:` map: the channel its instrument listens on and the JACK MIDI ports its
/// input is connected to.
Result<void> readTrackMidi(const YamlReader& yaml, const YamlEntry& entry, const std::string& label, InstrumentSpec& play)
{
    const std::string context = "in 'midi' of " + label;
    auto fields = yaml.mapEntries(entry, context);
    if (!fields)
        return fields.error();
    if (auto known = yaml.checkKeys(*fields, trackMidiKeys, context); !known)
        return known.error();
    for (const YamlEntry& field : *fields) {
        if (field.key == "channel") {
            auto channel = yaml.integer(field, 0, 16);
            if (!channel)
                return channel.error();
            play.midiChannel = *channel;
        } else if (field.key == "inputs") {
            auto patterns = yaml.textList(field, "a pattern of JACK MIDI port names", "[\"a2j:Keystation.*\"]");
            if (!patterns)
                return patterns.error();
            for (const auto& pattern : *patterns) {
                if (auto valid = portPatternProblem(pattern); !valid.empty())
                    return yaml.errorAt(yaml.locate(field),
                        fmt::format("'{}' in 'midi.inputs' of {} {}; a whole port name as jack_lsp prints it is taken "
                                    "as it is, otherwise it is a POSIX extended regular expression ('.*' matches "
                                    "anything, '\\[' a bracket)",
                            pattern, label, valid));
            }
            play.midiInputs = std::move(*patterns);
        } else if (field.key == "devices") {
            auto patterns = yaml.textList(field, "a pattern of MIDI port names", "[\"Keystation.*\"]");
            if (!patterns)
                return patterns.error();
            for (const auto& pattern : *patterns)
                if (auto valid = portPatternProblem(pattern); !valid.empty())
                    return yaml.errorAt(yaml.locate(field),
                        fmt::format("'{}' in 'midi.devices' of {} {}; a whole port name as the MIDI API lists it is "
                                    "taken as it is, otherwise it is a POSIX extended regular expression ('.*' "
                                    "matches anything)",
                            pattern, label, valid));
            play.midiDevices = std::move(*patterns);
        }
    }
    return {};
}

/// An instrument's keys belong together: `mode` and `bend` need `voices`, its DSP makes the
/// sound (a track with `voices` and no `dsp` has nothing to play) and takes no audio input.
Result<void> checkInstrument(const YamlReader& yaml, const TrackSpec& track, const std::string& label,
    std::optional<SourceLocation> inputsAt, std::optional<SourceLocation> instrumentAt)
{
    if (!track.instrument)
        return {};
    if (!instrumentAt)
        return yaml.errorAt(track.where,
            fmt::format("{} has 'mode', 'bend' or 'midi' but no 'voices': say how many notes it plays at once, e.g. 'voices: 8'",
                label));
    if (track.dsp.kind == DspSpec::Kind::None)
        return yaml.errorAt(*instrumentAt,
            fmt::format("{} has 'voices' but no 'dsp': name the instrument it plays, e.g. 'dsp: synth'", label));
    if (inputsAt || track.inputFile)
        return yaml.errorAt(inputsAt ? *inputsAt : *instrumentAt,
            fmt::format("{} is an instrument ('voices'): it makes its sound from notes and takes no audio "
                        "'inputs' or 'input_file'",
                label));
    return {};
}

/// Reads one of the track's own keys (not one ChannelReader reads) into track.
Result<void> readTrackKey(const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder,
    const std::string& label, TrackSpec& track)
{
    if (entry.key == "channels") {
        auto channels = yaml.integer(entry, 1, 2);
        if (!channels)
            return channels.error();
        track.channels = *channels;
    } else if (entry.key == "inputs") {
        auto ports = yaml.textList(entry, "a JACK port name", "[system:capture_1]");
        if (!ports)
            return ports.error();
        track.inputs = std::move(*ports);
    } else if (entry.key == "input_file") {
        auto file = readExistingFile(yaml, entry, folder, "input file");
        if (!file)
            return file.error();
        track.inputFile = std::move(*file);
    } else if (entry.key == "strip") {
        auto values = readDspParams(yaml, entry, label);
        if (!values)
            return values.error();
        track.strip = std::move(*values);
    } else if (entry.key == "sends") {
        auto sends = readSends(yaml, entry, label);
        if (!sends)
            return sends.error();
        track.sends = std::move(*sends);
    } else if (entry.key == "voices") {
        auto voices = yaml.integer(entry, 1, config::maxVoices);
        if (!voices)
            return voices.error();
        instrumentOf(track).voices = *voices;
        track.instrument->where = yaml.locate(entry);
    } else if (entry.key == "mode") {
        auto mode = readVoiceMode(yaml, entry, label);
        if (!mode)
            return mode.error();
        instrumentOf(track).mode = *mode;
    } else if (entry.key == "midi") {
        if (auto r = readTrackMidi(yaml, entry, label, instrumentOf(track)); !r)
            return r;
    } else if (entry.key == "bend") {
        auto bend = yaml.number(entry, {0.0, config::maxBendSemitones, "semitones"});
        if (!bend)
            return bend.error();
        instrumentOf(track).bendSemitones = *bend;
    } else if (entry.key == "output") {
        auto output = yaml.text(entry);
        if (!output)
            return output.error();
        track.output = *output == "master" ? std::string() : std::move(*output);
        track.outputWhere = yaml.locate(entry);
    }
    return {};
}

Result<ReadChannel<TrackSpec>> readTrack(
    const YamlReader& yaml, const YAML::Node& node, std::size_t number, const std::filesystem::path& folder)
{
    ChannelReader reader(yaml, folder, trackKind, number);
    ReadChannel<TrackSpec> read;
    TrackSpec& track = read.spec;
    track.where = yaml.locate(node);
    std::optional<SourceLocation> inputsAt;
    std::optional<SourceLocation> voicesAt;
    auto nameAt = reader.read(node, track, [&](const YamlEntry& entry) {
        if (entry.key == "inputs")
            inputsAt = yaml.locate(entry);
        if (entry.key == "voices")
            voicesAt = yaml.locate(entry);
        return readTrackKey(yaml, entry, folder, reader.label(), track);
    });
    if (!nameAt)
        return nameAt.error();
    read.nameAt = *nameAt;
    if (inputsAt && track.inputs.size() > std::size_t(track.channels))
        return yaml.errorAt(*inputsAt,
            fmt::format("{} has {} inputs but {} channel{}; set 'channels: 2' or list fewer inputs", reader.label(),
                track.inputs.size(), track.channels, track.channels == 1 ? "" : "s"));
    if (auto params = reader.requireDspForParams(track); !params)
        return params.error();
    if (auto instrument = checkInstrument(yaml, track, reader.label(), inputsAt, voicesAt); !instrument)
        return instrument.error();
    return read;
}

} // namespace

Result<void> readTracks(
    const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, std::vector<TrackSpec>& tracks)
{
    return readChannelList(yaml, entry, trackKind, tracks,
        [&](const YAML::Node& node, std::size_t number) { return readTrack(yaml, node, number, folder); });
}

} // namespace backline::session
