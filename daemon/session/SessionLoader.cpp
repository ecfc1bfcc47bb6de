// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/SessionLoader.h"

#include "core/Config.h"
#include "session/ClosestMatch.h"
#include "session/DspReader.h"
#include "session/FileReference.h"
#include "session/YamlPrecheck.h"
#include "session/YamlTrial.h"
#include "session/YamlReader.h"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

namespace backline::session {

namespace fs = std::filesystem;

namespace {

constexpr int schemaVersion = 1;
constexpr int minSampleRate = 8000;
constexpr int maxSampleRate = 384000;
constexpr std::size_t maxTrackNameLength = 64;
constexpr std::size_t maxMasterOutputs = 2;
constexpr NumberRange gainRange { -120.0, 12.0, "dB" };
constexpr NumberRange panRange { -1.0, 1.0 };

constexpr std::array<std::string_view, 8> topKeys { "backline", "name", "sample_rate", "osc", "tracks", "buses",
    "master", "record" };
constexpr std::array<std::string_view, 5> oscKeys { "port", "allow", "client_rate", "reply_rate", "tcp_idle_timeout" };
constexpr std::array<std::string_view, 13> trackKeys { "name", "channels", "inputs", "input_file", "dsp", "params",
    "gain", "pan", "mute", "solo", "strip", "sends", "output" };
constexpr std::array<std::string_view, 5> masterKeys { "dsp", "params", "chain", "gain", "outputs" };
constexpr std::array<std::string_view, 9> busKeys { "name", "kind", "dsp", "params", "gain", "pan", "mute", "solo",
    "solo_safe" };
constexpr std::array<std::string_view, 3> sendKeys { "bus", "level", "pre" };
constexpr std::array<std::string_view, 8> recordKeys { "folder", "format", "bits", "ring_seconds", "preroll_seconds",
    "min_free_mb", "header_refresh_seconds", "sources" };

/// Why `name` cannot name a track, or empty when it can. Track names stand in OSC addresses
/// (/track/<name>/gain), hence the narrow alphabet.
std::string trackNameProblem(const std::string& name, std::string_view what = "track")
{
    if (name.size() > maxTrackNameLength)
        return fmt::format("{} name '{}...' is too long ({} characters at most)", what, name.substr(0, maxTrackNameLength),
            maxTrackNameLength);
    const bool wordChars = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!wordChars)
        return fmt::format("{} name '{}' may only use letters, digits, '_' and '-' (it becomes part of OSC "
                           "addresses like /{}/<name>/gain)",
            what, name, what);
    if (name == "master")
        return fmt::format("{} name 'master' is reserved for the master bus", what);
    return {};
}

/// A track as read, with where its name was written so a duplicate can point back at it.
struct ReadTrack {
    TrackSpec spec;
    SourceLocation nameAt;
};

/// Turns one parsed YAML document into a SessionSpec; stops at the first problem.
class SessionParser {
public:
    SessionParser(const YamlReader& yaml, fs::path folder)
        : yaml_(yaml)
        , folder_(std::move(folder))
    {
    }

    Result<void> read(const YAML::Node& root, SessionSpec& session) const;

private:
    Result<void> checkVersion(const YAML::Node& root, const std::vector<YamlEntry>& entries) const;
    Result<void> readOsc(const YamlEntry& entry, OscSpec& osc) const;
    Result<void> readTracks(const YamlEntry& entry, std::vector<TrackSpec>& tracks) const;
    Result<ReadTrack> readTrack(const YAML::Node& node, std::size_t number) const;
    Result<void> readMaster(const YamlEntry& entry, MasterSpec& master) const;
    Result<void> readBuses(const YamlEntry& entry, std::vector<BusSpec>& buses) const;
    Result<BusSpec> readBus(const YAML::Node& node, std::size_t number) const;
    Result<std::vector<SendSpec>> readSends(const YamlEntry& entry, const std::string& label) const;
    Result<void> checkReferences(const SessionSpec& session) const;
    Result<void> readRecord(const YamlEntry& entry, RecordSpec& record) const;
    Result<void> checkRecordSources(const SessionSpec& session) const;

    const YamlReader& yaml_;
    fs::path folder_;
};

Result<void> SessionParser::read(const YAML::Node& root, SessionSpec& session) const
{
    if (!root.IsMap())
        return yaml_.errorAt(yaml_.locate(root),
            fmt::format("a session must be a map of keys starting with 'backline: {}', got {}", schemaVersion,
                YamlReader::describe(root)));
    auto entries = yaml_.entries(root, "at the top level");
    if (!entries)
        return entries.error();
    // The version comes before the key check: a newer session's new keys should read as
    // "newer version", not as typos.
    if (auto version = checkVersion(root, *entries); !version)
        return version;
    if (auto known = yaml_.checkKeys(*entries, topKeys, "at the top level"); !known)
        return known;

    bool hasTracks = false;
    for (const YamlEntry& entry : *entries) {
        if (entry.key == "name") {
            auto name = yaml_.text(entry);
            if (!name)
                return name.error();
            if (std::any_of(name->begin(), name->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
                return yaml_.errorAt(yaml_.locate(entry), "'name' must be a single line of text");
            session.name = std::move(*name);
        } else if (entry.key == "sample_rate") {
            auto rate = yaml_.integer(entry, minSampleRate, maxSampleRate);
            if (!rate)
                return rate.error();
            session.sampleRate = *rate;
        } else if (entry.key == "osc") {
            if (auto osc = readOsc(entry, session.osc); !osc)
                return osc;
        } else if (entry.key == "tracks") {
            if (auto tracks = readTracks(entry, session.tracks); !tracks)
                return tracks;
            hasTracks = true;
        } else if (entry.key == "buses") {
            if (auto buses = readBuses(entry, session.buses); !buses)
                return buses;
        } else if (entry.key == "record") {
            RecordSpec record;
            if (auto r = readRecord(entry, record); !r)
                return r;
            session.record = std::move(record);
        } else if (entry.key == "master") {
            if (auto master = readMaster(entry, session.master); !master)
                return master;
        }
    }
    if (!hasTracks)
        return yaml_.errorAt(
            yaml_.locate(root), "missing 'tracks' at the top level (a list of tracks; write 'tracks: []' for none)");
    if (auto r = checkReferences(session); !r)
        return r;
    return checkRecordSources(session);
}

Result<void> SessionParser::readRecord(const YamlEntry& entry, RecordSpec& record) const
{
    auto entries = yaml_.mapEntries(entry, "in 'record'");
    if (!entries)
        return entries.error();
    if (auto known = yaml_.checkKeys(*entries, recordKeys, "in 'record'"); !known)
        return known;
    record.where = yaml_.locate(entry);
    record.folder = folder_ / "takes";
    for (const YamlEntry& field : *entries) {
        if (field.key == "folder") {
            auto text = yaml_.text(field);
            if (!text)
                return text.error();
            const fs::path path(*text);
            record.folder = (path.is_absolute() ? path : folder_ / path).lexically_normal();
        } else if (field.key == "format") {
            auto text = yaml_.text(field);
            if (!text)
                return text.error();
            std::string format = *text;
            std::transform(format.begin(), format.end(), format.begin(), [](unsigned char c) { return char(std::tolower(c)); });
            if (format != "rf64" && format != "wav" && format != "w64" && format != "caf" && format != "flac")
                return yaml_.errorAt(yaml_.locate(field),
                    fmt::format("'format' must be rf64, wav, w64, caf or flac, got '{}'", *text));
            record.format = format;
        } else if (field.key == "bits") {
            auto bits = yaml_.integer(field, 16, 32);
            if (!bits)
                return bits.error();
            if (*bits != 16 && *bits != 24 && *bits != 32)
                return yaml_.errorAt(yaml_.locate(field), fmt::format("'bits' must be 16, 24 or 32 (float), got {}", *bits));
            record.bits = *bits;
        } else if (field.key == "ring_seconds") {
            auto v = yaml_.number(field, NumberRange {0.5, 120.0, "s"});
            if (!v)
                return v.error();
            record.ringSeconds = *v;
        } else if (field.key == "preroll_seconds") {
            auto v = yaml_.number(field, NumberRange {0.0, 600.0, "s"});
            if (!v)
                return v.error();
            record.prerollSeconds = *v;
        } else if (field.key == "min_free_mb") {
            auto v = yaml_.integer(field, 0, 100'000'000);
            if (!v)
                return v.error();
            record.minFreeMb = *v;
        } else if (field.key == "header_refresh_seconds") {
            auto v = yaml_.number(field, NumberRange {0.05, 1.0, "s"});
            if (!v)
                return v.error();
            record.headerRefreshSeconds = *v;
        } else if (field.key == "sources") {
            if (!field.value.IsSequence())
                return yaml_.errorAt(yaml_.locate(field),
                    fmt::format("'sources' must be a list like [track/vox/input, master], got {}",
                        YamlReader::describe(field.value)));
            for (const auto& node : field.value) {
                if (!node.IsScalar() || node.Scalar().empty())
                    return yaml_.errorAt(yaml_.locate(node),
                        fmt::format("each record source is text like 'track/vox/input', got {}", YamlReader::describe(node)));
                record.sources.push_back({node.Scalar(), yaml_.locate(node)});
            }
        }
    }
    if (record.format == "flac" && record.bits == 32)
        return yaml_.errorAt(record.where, "'flac' records 16 or 24 bits; use bits: 24 (or format: caf/w64/rf64 for 32-bit float)");
    return {};
}

Result<void> SessionParser::checkRecordSources(const SessionSpec& session) const
{
    if (!session.record)
        return {};
    std::vector<std::string> known {"master", "track/*/input", "track/*/post"};
    for (const auto& track : session.tracks) {
        known.push_back("track/" + track.name + "/input");
        known.push_back("track/" + track.name + "/post");
    }
    for (const auto& bus : session.buses)
        known.push_back("bus/" + bus.name);
    const auto& sources = session.record->sources;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const auto& source = sources[i];
        if (std::find(known.begin(), known.end(), source.id) == known.end()) {
            std::vector<std::string_view> names(known.begin(), known.end());
            const auto near = closestMatch(source.id, names);
            return yaml_.errorAt(source.where,
                fmt::format("record source '{}' names no track or bus{}", source.id,
                    !near ? std::string(" (sources look like track/<name>/input, track/<name>/post, bus/<name>, master)")
                                 : fmt::format(" (did you mean '{}'?)", *near)));
        }
        for (std::size_t j = 0; j < i; ++j)
            if (sources[j].id == source.id)
                return yaml_.errorAt(source.where, fmt::format("record source '{}' is listed twice", source.id));
    }
    return {};
}

Result<void> SessionParser::checkReferences(const SessionSpec& session) const
{
    auto findBus = [&](const std::string& name) -> const BusSpec* {
        for (const auto& bus : session.buses)
            if (bus.name == name)
                return &bus;
        return nullptr;
    };
    auto busNames = [&](BusSpec::Kind kind) {
        std::string names;
        for (const auto& bus : session.buses)
            if (bus.kind == kind)
                names += (names.empty() ? "" : ", ") + bus.name;
        return names.empty() ? std::string("none") : names;
    };
    for (const auto& track : session.tracks) {
        for (const auto& send : track.sends) {
            const BusSpec* bus = findBus(send.bus);
            if (!bus)
                return yaml_.errorAt(send.where,
                    fmt::format("track '{}' sends to unknown bus '{}' (aux buses: {})", track.name, send.bus,
                        busNames(BusSpec::Kind::Aux)));
            if (bus->kind != BusSpec::Kind::Aux)
                return yaml_.errorAt(send.where,
                    fmt::format("track '{}' sends to group bus '{}'; sends go to aux buses (route a whole track to a "
                                "group with 'output: {}')",
                        track.name, send.bus, send.bus));
        }
        for (std::size_t i = 0; i < track.sends.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (track.sends[i].bus == track.sends[j].bus)
                    return yaml_.errorAt(track.sends[i].where,
                        fmt::format("track '{}' sends to bus '{}' twice", track.name, track.sends[i].bus));
        if (!track.output.empty() && track.output != "master") {
            const BusSpec* bus = findBus(track.output);
            if (!bus)
                return yaml_.errorAt(track.outputWhere,
                    fmt::format("track '{}' outputs to unknown bus '{}' (group buses: {}; or 'master')", track.name,
                        track.output, busNames(BusSpec::Kind::Group)));
            if (bus->kind != BusSpec::Kind::Group)
                return yaml_.errorAt(track.outputWhere,
                    fmt::format("track '{}' outputs to aux bus '{}'; a track outputs to 'master' or a group bus (feed "
                                "aux buses with 'sends')",
                        track.name, track.output));
        }
    }
    return {};
}

Result<void> SessionParser::readBuses(const YamlEntry& entry, std::vector<BusSpec>& buses) const
{
    if (!entry.value.IsSequence())
        return yaml_.errorAt(yaml_.locate(entry),
            fmt::format("'buses' must be a list of buses (each starting with '- name: ...'), got {}",
                YamlReader::describe(entry.value)));
    for (const auto& node : entry.value) {
        if (buses.size() == config::maxBuses)
            return yaml_.errorAt(
                yaml_.locate(node), fmt::format("too many buses: a session holds at most {}", config::maxBuses));
        auto bus = readBus(node, buses.size() + 1);
        if (!bus)
            return bus.error();
        for (const auto& other : buses)
            if (other.name == bus->name)
                return yaml_.errorAt(bus->where,
                    fmt::format("duplicate bus name '{}' (first defined at {}:{})", bus->name, other.where.line,
                        other.where.column));
        buses.push_back(std::move(*bus));
    }
    return {};
}

Result<BusSpec> SessionParser::readBus(const YAML::Node& node, std::size_t number) const
{
    if (!node.IsMap())
        return yaml_.errorAt(yaml_.locate(node),
            fmt::format("each entry of 'buses' must be a map like '- name: verb', got {}", YamlReader::describe(node)));
    std::string label = fmt::format("bus {}", number);
    for (const auto& pair : node)
        if (pair.first.IsScalar() && pair.first.Scalar() == "name" && pair.second.IsScalar())
            label = fmt::format("bus '{}'", pair.second.Scalar());
    const std::string context = "in " + label;
    auto entries = yaml_.entries(node, context);
    if (!entries)
        return entries.error();
    if (auto known = yaml_.checkKeys(*entries, busKeys, context); !known)
        return known.error();
    BusSpec bus;
    bus.where = yaml_.locate(node);
    const YamlEntry* params = nullptr;
    bool hasName = false;
    for (const YamlEntry& field : *entries) {
        if (field.key == "name") {
            auto name = yaml_.text(field);
            if (!name)
                return name.error();
            if (const std::string problem = trackNameProblem(*name, "bus"); !problem.empty())
                return yaml_.errorAt(yaml_.locate(field), problem);
            bus.name = std::move(*name);
            bus.where = yaml_.locate(field);
            hasName = true;
        } else if (field.key == "kind") {
            auto kind = yaml_.text(field);
            if (!kind)
                return kind.error();
            if (*kind == "aux")
                bus.kind = BusSpec::Kind::Aux;
            else if (*kind == "group")
                bus.kind = BusSpec::Kind::Group;
            else
                return yaml_.errorAt(yaml_.locate(field),
                    fmt::format("'kind' must be 'aux' (fed by sends) or 'group' (fed by tracks' output), got '{}'",
                        *kind));
        } else if (field.key == "dsp") {
            auto dsp = readDsp(yaml_, field, folder_);
            if (!dsp)
                return dsp.error();
            bus.dsp = std::move(*dsp);
        } else if (field.key == "params") {
            auto values = readDspParams(yaml_, field, label);
            if (!values)
                return values.error();
            bus.dspParams = std::move(*values);
            params = &field;
        } else if (field.key == "gain") {
            auto gain = yaml_.number(field, gainRange);
            if (!gain)
                return gain.error();
            bus.gainDb = *gain;
        } else if (field.key == "pan") {
            auto pan = yaml_.number(field, panRange);
            if (!pan)
                return pan.error();
            bus.pan = *pan;
        } else if (field.key == "mute" || field.key == "solo" || field.key == "solo_safe") {
            auto flag = yaml_.boolean(field);
            if (!flag)
                return flag.error();
            (field.key == "mute" ? bus.mute : field.key == "solo" ? bus.solo : bus.soloSafe) = *flag;
        }
    }
    if (!hasName)
        return yaml_.errorAt(bus.where, fmt::format("bus {} has no 'name' (every bus needs one, like 'name: verb')", number));
    if (params && bus.dsp.kind == DspSpec::Kind::None)
        return yaml_.errorAt(yaml_.locate(params->keyNode), fmt::format("'params' {} needs a 'dsp' to apply to", context));
    return bus;
}

Result<std::vector<SendSpec>> SessionParser::readSends(const YamlEntry& entry, const std::string& label) const
{
    if (!entry.value.IsSequence())
        return yaml_.errorAt(yaml_.locate(entry),
            fmt::format("'sends' of {} must be a list like '- {{bus: verb, level: -12}}', got {}", label,
                YamlReader::describe(entry.value)));
    std::vector<SendSpec> sends;
    for (const auto& node : entry.value) {
        if (!node.IsMap())
            return yaml_.errorAt(yaml_.locate(node),
                fmt::format("each send of {} must be a map like '{{bus: verb, level: -12, pre: false}}', got {}", label,
                    YamlReader::describe(node)));
        const std::string context = "in a send of " + label;
        auto fields = yaml_.entries(node, context);
        if (!fields)
            return fields.error();
        if (auto known = yaml_.checkKeys(*fields, sendKeys, context); !known)
            return known.error();
        SendSpec send;
        send.where = yaml_.locate(node);
        bool hasBus = false;
        for (const YamlEntry& field : *fields) {
            if (field.key == "bus") {
                auto bus = yaml_.text(field);
                if (!bus)
                    return bus.error();
                send.bus = std::move(*bus);
                send.where = yaml_.locate(field);
                hasBus = true;
            } else if (field.key == "level") {
                auto level = yaml_.number(field, gainRange);
                if (!level)
                    return level.error();
                send.levelDb = *level;
            } else if (field.key == "pre") {
                auto pre = yaml_.boolean(field);
                if (!pre)
                    return pre.error();
                send.pre = *pre;
            }
        }
        if (!hasBus)
            return yaml_.errorAt(send.where, fmt::format("a send of {} has no 'bus'", label));
        sends.push_back(std::move(send));
    }
    return sends;
}

Result<void> SessionParser::checkVersion(const YAML::Node& root, const std::vector<YamlEntry>& entries) const
{
    const auto entry
        = std::find_if(entries.begin(), entries.end(), [](const YamlEntry& e) { return e.key == "backline"; });
    if (entry == entries.end())
        return yaml_.errorAt(yaml_.locate(root),
            fmt::format("missing 'backline: {}' at the top level (the session format's version)", schemaVersion));
    // Any whole number reads here so that a newer version gets its own message below.
    auto version = yaml_.integer(*entry, 0, 1'000'000);
    if (!version)
        return yaml_.errorAt(yaml_.locate(*entry),
            fmt::format("'backline' must be the session format's version {}, got {}", schemaVersion,
                YamlReader::describe(entry->value)));
    if (*version != schemaVersion)
        return yaml_.errorAt(yaml_.locate(*entry),
            fmt::format("session format version {} is not supported: this backline reads 'backline: {}'", *version,
                schemaVersion));
    return {};
}

Result<void> SessionParser::readOsc(const YamlEntry& entry, OscSpec& osc) const
{
    auto entries = yaml_.mapEntries(entry, "in 'osc'");
    if (!entries)
        return entries.error();
    if (auto known = yaml_.checkKeys(*entries, oscKeys, "in 'osc'"); !known)
        return known;
    for (const YamlEntry& field : *entries) {
        if (field.key == "port") {
            auto port = yaml_.integer(field, 1, 65535);
            if (!port)
                return port.error();
            osc.port = *port;
        } else if (field.key == "allow") {
            auto texts = yaml_.textList(field, "an address or subnet", "[127.0.0.1, 192.168.0.0/16, ::1]");
            if (!texts)
                return texts.error();
            std::vector<AddressRange> allow;
            for (std::size_t i = 0; i < texts->size(); ++i) {
                std::string problem;
                auto range = AddressRange::parse((*texts)[i], &problem);
                if (!range)
                    return yaml_.errorAt(yaml_.locate(field.value[i]), fmt::format("in 'osc.allow': {}", problem));
                allow.push_back(*range);
            }
            osc.allow = std::move(allow);
        } else if (field.key == "client_rate") {
            auto rate = yaml_.number(field, {10.0, 1'000'000.0, "messages/s"});
            if (!rate)
                return rate.error();
            osc.clientRate = *rate;
        } else if (field.key == "reply_rate") {
            auto rate = yaml_.number(field, {10'000.0, 1'000'000'000.0, "bytes/s"});
            if (!rate)
                return rate.error();
            osc.replyRate = *rate;
        } else if (field.key == "tcp_idle_timeout") {
            auto seconds = yaml_.number(field, {1.0, 86'400.0, "s"});
            if (!seconds)
                return seconds.error();
            osc.tcpIdleTimeout = *seconds;
        }
    }
    return {};
}

Result<void> SessionParser::readTracks(const YamlEntry& entry, std::vector<TrackSpec>& tracks) const
{
    if (!entry.value.IsSequence())
        return yaml_.errorAt(yaml_.locate(entry),
            fmt::format(
                "'tracks' must be a list of tracks (each starting with '- name: ...'; 'tracks: []' for none), got {}",
                YamlReader::describe(entry.value)));
    std::vector<SourceLocation> namesAt;
    for (const auto& node : entry.value) {
        if (tracks.size() == config::maxTracks)
            return yaml_.errorAt(
                yaml_.locate(node), fmt::format("too many tracks: a session holds at most {}", config::maxTracks));
        auto track = readTrack(node, tracks.size() + 1);
        if (!track)
            return track.error();
        for (std::size_t i = 0; i < tracks.size(); ++i) {
            if (tracks[i].name == track->spec.name)
                return yaml_.errorAt(track->nameAt,
                    fmt::format("duplicate track name '{}' (first defined at {}:{})", tracks[i].name, namesAt[i].line,
                        namesAt[i].column));
        }
        tracks.push_back(std::move(track->spec));
        namesAt.push_back(track->nameAt);
    }
    return {};
}

Result<ReadTrack> SessionParser::readTrack(const YAML::Node& node, std::size_t number) const
{
    if (!node.IsMap())
        return yaml_.errorAt(yaml_.locate(node),
            fmt::format("each entry of 'tracks' must be a map like '- name: vox', got {}", YamlReader::describe(node)));

    // Messages name the track by what its entry says, even before the name is checked.
    std::string label = fmt::format("track {}", number);
    for (const auto& pair : node) {
        if (pair.first.IsScalar() && pair.first.Scalar() == "name" && pair.second.IsScalar())
            label = fmt::format("track '{}'", pair.second.Scalar());
    }
    const std::string context = "in " + label;
    auto entries = yaml_.entries(node, context);
    if (!entries)
        return entries.error();
    if (auto known = yaml_.checkKeys(*entries, trackKeys, context); !known)
        return known.error();

    ReadTrack read;
    TrackSpec& track = read.spec;
    track.where = yaml_.locate(node);
    const YamlEntry* inputs = nullptr;
    const YamlEntry* params = nullptr;
    bool hasName = false;
    for (const YamlEntry& entry : *entries) {
        if (entry.key == "name") {
            auto name = yaml_.text(entry);
            if (!name)
                return name.error();
            if (const std::string problem = trackNameProblem(*name); !problem.empty())
                return yaml_.errorAt(yaml_.locate(entry), problem);
            track.name = std::move(*name);
            read.nameAt = yaml_.locate(entry);
            hasName = true;
        } else if (entry.key == "channels") {
            auto channels = yaml_.integer(entry, 1, 2);
            if (!channels)
                return channels.error();
            track.channels = *channels;
        } else if (entry.key == "inputs") {
            auto ports = yaml_.textList(entry, "a JACK port name", "[system:capture_1]");
            if (!ports)
                return ports.error();
            track.inputs = std::move(*ports);
            inputs = &entry;
        } else if (entry.key == "input_file") {
            auto file = readExistingFile(yaml_, entry, folder_, "input file");
            if (!file)
                return file.error();
            track.inputFile = std::move(*file);
        } else if (entry.key == "dsp") {
            auto dsp = readDsp(yaml_, entry, folder_);
            if (!dsp)
                return dsp.error();
            track.dsp = std::move(*dsp);
        } else if (entry.key == "params") {
            auto values = readDspParams(yaml_, entry, label);
            if (!values)
                return values.error();
            track.dspParams = std::move(*values);
            params = &entry;
        } else if (entry.key == "gain") {
            auto gain = yaml_.number(entry, gainRange);
            if (!gain)
                return gain.error();
            track.gainDb = *gain;
        } else if (entry.key == "pan") {
            auto pan = yaml_.number(entry, panRange);
            if (!pan)
                return pan.error();
            track.pan = *pan;
        } else if (entry.key == "mute") {
            auto mute = yaml_.boolean(entry);
            if (!mute)
                return mute.error();
            track.mute = *mute;
        } else if (entry.key == "solo") {
            auto solo = yaml_.boolean(entry);
            if (!solo)
                return solo.error();
            track.solo = *solo;
        } else if (entry.key == "strip") {
            auto values = readDspParams(yaml_, entry, label);
            if (!values)
                return values.error();
            track.strip = std::move(*values);
        } else if (entry.key == "sends") {
            auto sends = readSends(entry, label);
            if (!sends)
                return sends.error();
            track.sends = std::move(*sends);
        } else if (entry.key == "output") {
            auto output = yaml_.text(entry);
            if (!output)
                return output.error();
            track.output = *output == "master" ? std::string() : std::move(*output);
            track.outputWhere = yaml_.locate(entry);
        }
    }

    if (!hasName)
        return yaml_.errorAt(
            track.where, fmt::format("track {} has no 'name' (every track needs one, like 'name: vox')", number));
    if (inputs && track.inputs.size() > std::size_t(track.channels))
        return yaml_.errorAt(yaml_.locate(*inputs),
            fmt::format("{} has {} inputs but {} channel{}; set 'channels: 2' or list fewer inputs", label,
                track.inputs.size(), track.channels, track.channels == 1 ? "" : "s"));
    if (params && track.dsp.kind == DspSpec::Kind::None)
        return yaml_.errorAt(yaml_.locate(params->keyNode),
            fmt::format(
                "'params' {} needs a 'dsp' to apply to (the channel strip's own controls go under 'strip', and 'gain', 'pan', 'mute', 'solo')",
                context));
    return read;
}

Result<void> SessionParser::readMaster(const YamlEntry& entry, MasterSpec& master) const
{
    auto entries = yaml_.mapEntries(entry, "in 'master'");
    if (!entries)
        return entries.error();
    if (auto known = yaml_.checkKeys(*entries, masterKeys, "in 'master'"); !known)
        return known;
    master.where = yaml_.locate(entry);
    const YamlEntry* params = nullptr;
    for (const YamlEntry& field : *entries) {
        if (field.key == "dsp") {
            auto dsp = readDsp(yaml_, field, folder_);
            if (!dsp)
                return dsp.error();
            master.dsp = std::move(*dsp);
        } else if (field.key == "params") {
            auto values = readDspParams(yaml_, field, "'master'");
            if (!values)
                return values.error();
            master.dspParams = std::move(*values);
            params = &field;
        } else if (field.key == "chain") {
            auto values = readDspParams(yaml_, field, "'master'");
            if (!values)
                return values.error();
            master.chain = std::move(*values);
        } else if (field.key == "gain") {
            auto gain = yaml_.number(field, gainRange);
            if (!gain)
                return gain.error();
            master.gainDb = *gain;
        } else if (field.key == "outputs") {
            auto ports = yaml_.textList(field, "a JACK port name", "[system:playback_1, system:playback_2]");
            if (!ports)
                return ports.error();
            if (ports->size() > maxMasterOutputs)
                return yaml_.errorAt(yaml_.locate(field),
                    fmt::format("'outputs' lists {} ports but the master has {} outputs (left, right)", ports->size(),
                        maxMasterOutputs));
            master.outputs = std::move(*ports);
        }
    }
    if (params && master.dsp.kind == DspSpec::Kind::None)
        return yaml_.errorAt(yaml_.locate(params->keyNode),
            "'params' in 'master' needs a 'dsp' to apply to (the master's own level is 'gain')");
    return {};
}

/// Whether the indentation of line `line` (0-based) or the one before it holds a tab: YAML
/// forbids tabs there, and yaml-cpp's message for it ("illegal block entry") does not say so.
bool tabIndentNear(const std::string& text, int line)
{
    std::istringstream lines(text);
    std::string current;
    for (int i = 0; i <= line && std::getline(lines, current); ++i) {
        if (i < line - 1)
            continue;
        const std::size_t content = current.find_first_not_of(" \t");
        if (current.substr(0, content).find('\t') != std::string::npos)
            return true;
    }
    return false;
}

/// Everything that touches yaml-cpp, which reports syntax errors by throwing.
Result<SessionSpec> parse(const std::string& text, const fs::path& file, const YamlReader& yaml)
{
    // yaml-cpp 0.7 never returns from some invalid texts (found by tests/fuzz): refuse them first.
    if (const auto problem = precheckYaml(text))
        return yaml.errorAt(SourceLocation { yaml.file(), problem->at.line, problem->at.column }, problem->message);
    // The shapes not known yet: a helper process tries first, so a runaway cannot take the
    // daemon down (and starting it costs the audio thread nothing: YamlTrial.h).
    if (tryYamlInChild(text) == YamlTrial::RunsAway)
        return yaml.errorAt(SourceLocation { yaml.file(), 0, 0 },
            "YAML that the parser (yaml-cpp) cannot finish reading: it ran on without an end (for seconds, or "
            "through hundreds of megabytes). "
            "Look for a stray ',', a '!' or a '? ' outside quotes, or a control character, and please report "
            "the file: backline refuses it before parsing once its shape is known");
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        const SourceLocation where = e.mark.is_null()
            ? SourceLocation { yaml.file(), 0, 0 }
            : SourceLocation { yaml.file(), e.mark.line + 1, e.mark.column + 1 };
        const bool tabs = !e.mark.is_null() && tabIndentNear(text, e.mark.line);
        return yaml.errorAt(where,
            fmt::format(
                "YAML syntax error: {}{}", e.msg, tabs ? " (indent with spaces: YAML does not allow tabs)" : ""));
    }
    if (documents.empty() || documents.front().IsNull())
        return yaml.errorAt(SourceLocation { yaml.file(), 1, 1 },
            fmt::format("the session is empty; it needs at least 'backline: {}' and 'tracks:'", schemaVersion));
    if (documents.size() > 1)
        return yaml.errorAt(yaml.locate(documents[1]),
            "a session file holds one YAML document; remove this second one (or the '---' before it)");

    std::error_code ec;
    fs::path absolute = fs::absolute(file, ec);
    if (ec)
        absolute = file;
    SessionSpec session;
    session.file = absolute.lexically_normal();
    session.name = file.stem().string();
    session.text = text;
    session.master.where.file = yaml.file();
    const SessionParser parser(yaml, session.file.parent_path());
    if (auto read = parser.read(documents.front(), session); !read)
        return read.error();
    return session;
}

} // namespace

Result<SessionSpec> loadSessionText(const std::string& text, const fs::path& file)
{
    const YamlReader yaml(file.string());
    // The module edge: yaml-cpp and the standard library may throw (bad_alloc, a yaml-cpp
    // bug); nothing may reach the caller as an exception.
    try {
        return parse(text, file, yaml);
    } catch (const std::exception& e) {
        return yaml.errorAt(
            SourceLocation { yaml.file(), 0, 0 }, fmt::format("could not read the session: {}", e.what()));
    } catch (...) {
        return yaml.errorAt(SourceLocation { yaml.file(), 0, 0 }, "could not read the session: unknown error");
    }
}

Result<SessionSpec> loadSessionFile(const fs::path& file)
{
    std::string text;
    try {
        std::error_code ec;
        if (fs::is_directory(file, ec))
            return makeError(
                ErrorCode::Io, fmt::format("{}: cannot read the session file: it is a folder", file.string()));
        errno = 0;
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            const int error = errno;
            std::string message = fmt::format("{}: cannot read the session file ({})", file.string(),
                error != 0 ? std::generic_category().message(error) : std::string("could not open it"));
            if (file.is_relative())
                message += fmt::format("; looked for {}", fs::absolute(file, ec).string());
            return makeError(ErrorCode::Io, std::move(message));
        }
        std::ostringstream content;
        content << in.rdbuf();
        if (in.bad())
            return makeError(
                ErrorCode::Io, fmt::format("{}: cannot read the session file (read error)", file.string()));
        text = std::move(content).str();
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Io, fmt::format("{}: cannot read the session file ({})", file.string(), e.what()));
    }
    return loadSessionText(text, file);
}

} // namespace backline::session
