// SPDX-License-Identifier: GPL-3.0-or-later
// `songs:` and `setlist:`: what a band plays, section by section, and in which order ([control]).
#include "session/SongReader.h"

#include "core/ClosestMatch.h"
#include "core/Config.h"
#include "core/TransportRules.h"
#include "session/MeterReader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 4> songKeys {"name", "tempo", "meter", "sections"};
constexpr std::array<std::string_view, 7> sectionKeys {"name", "bars", "scene", "fade", "tempo", "meter", "then"};
/// More than a gig needs; a bound so a generated file cannot ask for millions.
constexpr std::size_t maxSongs = 1000;
constexpr std::size_t maxSections = 1000;
constexpr std::string_view thenExample = "next, loop, stop or 'goto <section>'";

/// A song or section name: one line of text that an OSC argument can carry.
Result<std::string> readName(const YamlReader& yaml, const YamlEntry& field)
{
    auto name = yaml.text(field);
    if (!name)
        return name.error();
    if (std::any_of(name->begin(), name->end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        return yaml.errorAt(yaml.locate(field), fmt::format("'{}' must be a single line of text", field.key));
    return name;
}

/// `then: next | loop | stop | goto <section>`; the goto's target is checked once every
/// section of the song is read.
Result<void> readThen(const YamlReader& yaml, const YamlEntry& field, SectionSpec& section)
{
    auto text = yaml.text(field);
    if (!text)
        return text.error();
    if (*text == "next")
        section.then = SectionEnd::Next;
    else if (*text == "loop")
        section.then = SectionEnd::Loop;
    else if (*text == "stop")
        section.then = SectionEnd::Stop;
    else if (text->starts_with("goto ") && text->find_first_not_of(' ', 5) != std::string::npos) {
        section.then = SectionEnd::Goto;
        section.gotoSection = text->substr(text->find_first_not_of(' ', 5));
    } else
        return yaml.errorAt(yaml.locate(field), fmt::format("'then' must be {}, got '{}'", thenExample, *text));
    return {};
}

Result<SectionSpec> readSection(const YamlReader& yaml, const YAML::Node& node, const std::string& context)
{
    SectionSpec section;
    section.where = yaml.locate(node);
    if (!node.IsMap())
        return yaml.errorAt(section.where,
            fmt::format("each section {} must be a map like {{name: verse, bars: 8}}, got {}", context,
                YamlReader::describe(node)));
    auto fields = yaml.entries(node, context);
    if (!fields)
        return fields.error();
    if (auto known = yaml.checkKeys(*fields, sectionKeys, context); !known)
        return known.error();
    bool named = false;
    bool counted = false;
    for (const YamlEntry& field : *fields) {
        if (field.key == "name") {
            auto name = readName(yaml, field);
            if (!name)
                return name.error();
            section.name = std::move(*name);
            named = true;
        } else if (field.key == "bars") {
            auto bars = yaml.integer(field, 1, maxSectionBars);
            if (!bars)
                return bars.error();
            section.bars = *bars;
            counted = true;
        } else if (field.key == "scene") {
            auto scene = yaml.text(field);
            if (!scene)
                return scene.error();
            section.scene = std::move(*scene);
            section.sceneWhere = yaml.locate(field);
        } else if (field.key == "fade") {
            auto fade = yaml.number(field, {0.0, config::maxMorphSeconds, "seconds"});
            if (!fade)
                return fade.error();
            section.fadeSeconds = *fade;
        } else if (field.key == "tempo") {
            auto bpm = yaml.number(field, {transport::minBpm, transport::maxBpm, "BPM"});
            if (!bpm)
                return bpm.error();
            section.tempo = *bpm;
        } else if (field.key == "meter") {
            auto meter = readMeter(yaml, field, context);
            if (!meter)
                return meter.error();
            section.meter = *meter;
        } else if (field.key == "then") {
            if (auto then = readThen(yaml, field, section); !then)
                return then.error();
        }
    }
    if (!named)
        return yaml.errorAt(section.where, fmt::format("a section {} has no 'name'", context));
    if (!counted)
        return yaml.errorAt(section.where,
            fmt::format("section '{}' {} has no 'bars' (how many bars it lasts, 1 to {})", section.name, context,
                maxSectionBars));
    return section;
}

/// " (did you mean 'x'?)" when one of names is close to name, else nothing.
template <typename Named>
std::string suggestion(std::string_view name, const std::vector<Named>& named)
{
    std::vector<std::string_view> names;
    for (const Named& item : named)
        names.push_back(item.name);
    const auto near = closestMatch(name, names);
    return near ? fmt::format(" (did you mean '{}'?)", *near) : std::string {};
}

/// Names unique within the song, and every goto aimed at one of them.
Result<void> checkSections(const YamlReader& yaml, const SongSpec& song)
{
    for (std::size_t i = 0; i < song.sections.size(); ++i) {
        const SectionSpec& section = song.sections[i];
        const int first = song.sectionIndex(section.name);
        if (first != int(i))
            return yaml.errorAt(section.where,
                fmt::format("song '{}' has two sections named '{}' (the first at line {})", song.name, section.name,
                    song.sections[std::size_t(first)].where.line));
        if (section.then == SectionEnd::Goto && song.sectionIndex(section.gotoSection) < 0)
            return yaml.errorAt(section.where,
                fmt::format("section '{}' of song '{}' goes to '{}', which is not a section of the song{}",
                    section.name, song.name, section.gotoSection, suggestion(section.gotoSection, song.sections)));
    }
    return {};
}

Result<void> readSectionList(const YamlReader& yaml, const YamlEntry& field, SongSpec& song, const std::string& context)
{
    if (!field.value.IsSequence() || field.value.size() == 0)
        return yaml.errorAt(yaml.locate(field),
            fmt::format("'sections' {} must be a list of at least one section like [{{name: verse, bars: 8}}], got {}",
                context, YamlReader::describe(field.value)));
    for (const auto& node : field.value) {
        if (song.sections.size() == maxSections)
            return yaml.errorAt(yaml.locate(node), fmt::format("a song has at most {} sections", maxSections));
        auto section = readSection(yaml, node, context);
        if (!section)
            return section.error();
        song.sections.push_back(std::move(*section));
    }
    return {};
}

Result<SongSpec> readSong(const YamlReader& yaml, const YAML::Node& node, std::size_t number)
{
    SongSpec song;
    song.where = yaml.locate(node);
    if (!node.IsMap())
        return yaml.errorAt(song.where,
            fmt::format("each song must be a map like {{name: opener, sections: [...]}}, got {}",
                YamlReader::describe(node)));
    auto fields = yaml.entries(node, fmt::format("in song {}", number));
    if (!fields)
        return fields.error();
    // The name first, so every later message can say which song.
    std::string context = fmt::format("in song {}", number);
    for (const YamlEntry& field : *fields)
        if (field.key == "name") {
            auto name = readName(yaml, field);
            if (!name)
                return name.error();
            song.name = std::move(*name);
            context = fmt::format("in song '{}'", song.name);
        }
    if (auto known = yaml.checkKeys(*fields, songKeys, context); !known)
        return known.error();
    if (song.name.empty())
        return yaml.errorAt(song.where, fmt::format("song {} has no 'name'", number));
    bool hasSections = false;
    for (const YamlEntry& field : *fields) {
        if (field.key == "tempo") {
            auto bpm = yaml.number(field, {transport::minBpm, transport::maxBpm, "BPM"});
            if (!bpm)
                return bpm.error();
            song.tempo = *bpm;
        } else if (field.key == "meter") {
            auto meter = readMeter(yaml, field, context);
            if (!meter)
                return meter.error();
            song.meter = *meter;
        } else if (field.key == "sections") {
            if (auto read = readSectionList(yaml, field, song, context); !read)
                return read.error();
            hasSections = true;
        }
    }
    if (!hasSections)
        return yaml.errorAt(song.where, fmt::format("song '{}' has no 'sections'", song.name));
    if (auto checked = checkSections(yaml, song); !checked)
        return checked.error();
    return song;
}

} // namespace

int SongSpec::sectionIndex(std::string_view wanted) const
{
    for (std::size_t i = 0; i < sections.size(); ++i)
        if (sections[i].name == wanted)
            return int(i);
    return -1;
}

const SectionSpec* SongSpec::firstRepeat() const
{
    std::vector<bool> played(sections.size(), false);
    for (std::size_t i = 0; i < sections.size();) {
        if (played[i])
            return &sections[i];
        played[i] = true;
        const SectionSpec& section = sections[i];
        switch (section.then) {
        case SectionEnd::Stop:
            return nullptr;
        case SectionEnd::Loop:
            return &section;
        case SectionEnd::Goto:
            i = std::size_t(sectionIndex(section.gotoSection)); // checked when the song was read
            break;
        case SectionEnd::Next:
            ++i;
            break;
        }
    }
    return nullptr;
}

Result<void> readSongs(const YamlReader& yaml, const YamlEntry& entry, std::vector<SongSpec>& songs)
{
    if (!entry.value.IsSequence())
        return yaml.errorAt(yaml.locate(entry),
            fmt::format("'songs' must be a list of songs like [{{name: opener, sections: [...]}}], got {}",
                YamlReader::describe(entry.value)));
    for (const auto& node : entry.value) {
        if (songs.size() == maxSongs)
            return yaml.errorAt(yaml.locate(node), fmt::format("a session has at most {} songs", maxSongs));
        auto song = readSong(yaml, node, songs.size() + 1);
        if (!song)
            return song.error();
        for (const SongSpec& other : songs)
            if (other.name == song->name)
                return yaml.errorAt(song->where,
                    fmt::format("two songs are named '{}' (the first at line {})", song->name, other.where.line));
        songs.push_back(std::move(*song));
    }
    return {};
}

Result<void> readSetlist(const YamlReader& yaml, const YamlEntry& entry, std::vector<SetlistEntry>& setlist)
{
    auto names = yaml.textList(entry, "a song's name", "[opener, ballad]");
    if (!names)
        return names.error();
    for (std::size_t i = 0; i < names->size(); ++i)
        setlist.push_back(SetlistEntry {(*names)[i], yaml.locate(entry.value[i])});
    return {};
}

Result<void> finishSongs(SessionSpec& session)
{
    for (const SongSpec& song : session.songs)
        for (const SectionSpec& section : song.sections)
            if (!section.scene.empty()
                && std::none_of(session.scenes.begin(), session.scenes.end(),
                    [&](const SceneSpec& scene) { return scene.name == section.scene; }))
                return section.sceneWhere.error(
                    fmt::format("section '{}' of song '{}' recalls scene '{}', which is not one of the scenes{}",
                        section.name, song.name, section.scene,
                        session.scenes.empty() ? " (the session has no 'scenes')"
                                               : suggestion(section.scene, session.scenes)));
    if (session.setlist.empty()) {
        for (const SongSpec& song : session.songs)
            session.setlist.push_back(SetlistEntry {song.name, song.where});
        return {};
    }
    for (const SetlistEntry& entry : session.setlist)
        if (std::none_of(session.songs.begin(), session.songs.end(),
                [&](const SongSpec& song) { return song.name == entry.song; }))
            return entry.where.error(fmt::format("the setlist names '{}', which is not one of the songs{}", entry.song,
                session.songs.empty() ? " (the session has no 'songs')" : suggestion(entry.song, session.songs)));
    return {};
}

} // namespace backline::session
