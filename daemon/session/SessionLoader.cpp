// SPDX-License-Identifier: GPL-3.0-or-later
// Reading a session: the file, its YAML document, its top-level keys handed to one reader
// each, then the checks across them ([control]).
#include "session/SessionLoader.h"

#include "core/Config.h"
#include "session/BusReader.h"
#include "session/MasterReader.h"
#include "session/MidiReader.h"
#include "session/OscReader.h"
#include "session/WebReader.h"
#include "session/RecordReader.h"
#include "session/SceneReader.h"
#include "session/SessionValidator.h"
#include "session/TrackReader.h"
#include "session/SongReader.h"
#include "session/TransportReader.h"
#include "session/ConnectionReader.h"
#include "session/YamlDocument.h"
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

constexpr std::array<std::string_view, 19> topKeys { "backline", "name", "sample_rate", "osc", "web", "transport", "tracks",
    "buses", "master", "record", "scenes", "safe", "scene_recall", "songs", "setlist", "autosave_seconds", "workers", "midi",
    "connections" };

/// Fails unless the top level says `backline: <schemaVersion>`.
Result<void> checkVersion(const YamlReader& yaml, const YAML::Node& root, const std::vector<YamlEntry>& entries)
{
    const auto entry
        = std::find_if(entries.begin(), entries.end(), [](const YamlEntry& e) { return e.key == "backline"; });
    if (entry == entries.end())
        return yaml.errorAt(yaml.locate(root),
            fmt::format("missing 'backline: {}' at the top level (the session format's version)", schemaVersion));
    // Any whole number reads here so that a newer version gets its own message below.
    auto version = yaml.integer(*entry, 0, 1'000'000);
    if (!version)
        return yaml.errorAt(yaml.locate(*entry),
            fmt::format("'backline' must be the session format's version {}, got {}", schemaVersion,
                YamlReader::describe(entry->value)));
    if (*version != schemaVersion)
        return yaml.errorAt(yaml.locate(*entry),
            fmt::format("session format version {} is not supported: this backline reads 'backline: {}'", *version,
                schemaVersion));
    return {};
}

/// Reads the top level of root into session, each key by its reader; relative files resolve
/// against folder. Stops at the first problem.
Result<void> readSession(const YamlReader& yaml, const YAML::Node& root, const fs::path& folder, SessionSpec& session)
{
    if (!root.IsMap())
        return yaml.errorAt(yaml.locate(root),
            fmt::format("a session must be a map of keys starting with 'backline: {}', got {}", schemaVersion,
                YamlReader::describe(root)));
    auto entries = yaml.entries(root, "at the top level");
    if (!entries)
        return entries.error();
    // The version comes before the key check: a newer session's new keys should read as
    // "newer version", not as typos.
    if (auto version = checkVersion(yaml, root, *entries); !version)
        return version;
    if (auto known = yaml.checkKeys(*entries, topKeys, "at the top level"); !known)
        return known;

    bool hasTracks = false;
    for (const YamlEntry& entry : *entries) {
        Result<void> read;
        if (entry.key == "name") {
            auto name = yaml.text(entry);
            if (!name)
                return name.error();
            if (std::any_of(name->begin(), name->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
                return yaml.errorAt(yaml.locate(entry), "'name' must be a single line of text");
            session.name = std::move(*name);
        } else if (entry.key == "sample_rate") {
            auto rate = yaml.integer(entry, minSampleRate, maxSampleRate);
            if (!rate)
                return rate.error();
            session.sampleRate = *rate;
        } else if (entry.key == "autosave_seconds") {
            auto seconds = yaml.integer(entry, minAutosaveSeconds, maxAutosaveSeconds);
            if (!seconds)
                return seconds.error();
            session.autosaveSeconds = *seconds;
        } else if (entry.key == "workers") {
            auto workers = yaml.integer(entry, 1, config::maxWorkers);
            if (!workers)
                return workers.error();
            session.workers = *workers;
        } else if (entry.key == "osc") {
            read = readOsc(yaml, entry, session.osc);
        } else if (entry.key == "web") {
            read = readWeb(yaml, entry, folder, session.web);
        } else if (entry.key == "midi") {
            read = readMidi(yaml, entry, session.midi);
        } else if (entry.key == "transport") {
            read = readTransport(yaml, entry, session.transport);
        } else if (entry.key == "tracks") {
            read = readTracks(yaml, entry, folder, session.tracks);
            hasTracks = true;
        } else if (entry.key == "buses") {
            read = readBuses(yaml, entry, folder, session.buses);
        } else if (entry.key == "record") {
            read = readRecord(yaml, entry, folder, session.record.emplace());
        } else if (entry.key == "master") {
            read = readMaster(yaml, entry, folder, session.master);
        } else if (entry.key == "scenes") {
            read = readScenes(yaml, entry, session.scenes);
        } else if (entry.key == "safe") {
            read = readSafe(yaml, entry, session.safe);
        } else if (entry.key == "scene_recall") {
            read = readSceneRecall(yaml, entry, session.sceneRecall);
        } else if (entry.key == "songs") {
            read = readSongs(yaml, entry, session.songs);
        } else if (entry.key == "setlist") {
            read = readSetlist(yaml, entry, session.setlist);
        } else if (entry.key == "connections") {
            read = readConnections(yaml, entry, session.connections);
        }
        if (!read)
            return read;
    }
    if (session.web.port && *session.web.port == session.osc.port)
        return yaml.errorAt(yaml.locate(root),
            fmt::format("'web.port' is {0}, the OSC port too (osc.port, default 9000): OSC listens on TCP {0} "
                        "already; choose another port for the web surface (8080, say)",
                session.osc.port));
    if (session.osc.requirePin && session.web.pin.empty())
        return yaml.errorAt(yaml.locate(root),
            "'osc.require_pin' is set but the session has no PIN: add 'web.pin' or 'web.pin_file'");
    if (!hasTracks)
        return yaml.errorAt(
            yaml.locate(root), "missing 'tracks' at the top level (a list of tracks; write 'tracks: []' for none)");
    if (auto songs = finishSongs(session); !songs)
        return songs;
    return validateSession(session);
}

/// Everything that touches yaml-cpp, which reports syntax errors by throwing.
Result<SessionSpec> parse(const std::string& text, const fs::path& file, const YamlReader& yaml)
{
    auto document = parseYamlDocument(text, yaml);
    if (!document)
        return document.error();
    if (document->IsNull())
        return yaml.errorAt(SourceLocation { yaml.file(), 1, 1 },
            fmt::format("the session is empty; it needs at least 'backline: {}' and 'tracks:'", schemaVersion));

    std::error_code ec;
    fs::path absolute = fs::absolute(file, ec);
    if (ec)
        absolute = file;
    SessionSpec session;
    session.file = absolute.lexically_normal();
    session.name = file.stem().string();
    session.text = text;
    session.master.where.file = yaml.file();
    if (auto read = readSession(yaml, *document, session.file.parent_path(), session); !read)
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
