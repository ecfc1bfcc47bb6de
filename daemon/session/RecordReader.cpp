// SPDX-License-Identifier: GPL-3.0-or-later
// The `record:` map, checked by the recorder's rules (core/RecordFormat.h) ([control]).
#include "session/RecordReader.h"

#include "core/RecordFormat.h"
#include "session/FileReference.h"

#include <fmt/format.h>

#include <array>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 8> recordKeys { "folder", "format", "bits", "ring_seconds", "preroll_seconds",
    "min_free_mb", "header_refresh_seconds", "sources" };

/// A setting's range as the YAML reader checks it (and says it in a message).
constexpr NumberRange secondsIn(const record::SettingRange& range) { return {range.min, range.max, "s"}; }

Result<void> readSources(const YamlReader& yaml, const YamlEntry& field, RecordSpec& record)
{
    if (!field.value.IsSequence())
        return yaml.errorAt(yaml.locate(field),
            fmt::format("'sources' must be a list like [track/vox/input, master], got {}",
                YamlReader::describe(field.value)));
    for (const auto& node : field.value) {
        if (!node.IsScalar() || node.Scalar().empty())
            return yaml.errorAt(yaml.locate(node),
                fmt::format("each record source is text like 'track/vox/input', got {}", YamlReader::describe(node)));
        record.sources.push_back({node.Scalar(), yaml.locate(node)});
    }
    return {};
}

/// Reads one key of `record:` into record.
Result<void> readRecordKey(
    const YamlReader& yaml, const YamlEntry& field, const std::filesystem::path& folder, RecordSpec& record)
{
    if (field.key == "folder") {
        auto text = yaml.text(field);
        if (!text)
            return text.error();
        record.folder = resolvePath(folder, *text);
    } else if (field.key == "format") {
        auto text = yaml.text(field);
        if (!text)
            return text.error();
        auto format = record::parseFileFormat(*text);
        if (!format)
            return yaml.errorAt(yaml.locate(field), format.error().message);
        record.format = record::formatName(*format);
    } else if (field.key == "bits") {
        // A whole number from the narrowest width to the widest first (its message says so),
        // then one of the widths themselves.
        auto bits = yaml.integer(field, record::bitsValue(record::SampleBits::Int16),
            record::bitsValue(record::SampleBits::Float32));
        if (!bits)
            return bits.error();
        if (auto width = record::parseSampleBits(*bits); !width)
            return yaml.errorAt(yaml.locate(field), width.error().message);
        record.bits = *bits;
    } else if (field.key == "ring_seconds") {
        auto v = yaml.number(field, secondsIn(record::ringSecondsRange));
        if (!v)
            return v.error();
        record.ringSeconds = *v;
    } else if (field.key == "preroll_seconds") {
        auto v = yaml.number(field, secondsIn(record::prerollSecondsRange));
        if (!v)
            return v.error();
        record.prerollSeconds = *v;
    } else if (field.key == "min_free_mb") {
        auto v = yaml.integer(field, int(record::minFreeMbRange.min), int(record::minFreeMbRange.max));
        if (!v)
            return v.error();
        record.minFreeMb = *v;
    } else if (field.key == "header_refresh_seconds") {
        auto v = yaml.number(field, secondsIn(record::headerRefreshSecondsRange));
        if (!v)
            return v.error();
        record.headerRefreshSeconds = *v;
    } else if (field.key == "sources") {
        return readSources(yaml, field, record);
    }
    return {};
}

} // namespace

Result<void> readRecord(
    const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, RecordSpec& record)
{
    auto entries = yaml.mapEntries(entry, "in 'record'");
    if (!entries)
        return entries.error();
    if (auto known = yaml.checkKeys(*entries, recordKeys, "in 'record'"); !known)
        return known;
    record.where = yaml.locate(entry);
    record.folder = folder / "takes";
    for (const YamlEntry& field : *entries)
        if (auto read = readRecordKey(yaml, field, folder, record); !read)
            return read;
    // Both are known only now: each may be written before the other, or left to its default.
    auto format = record::parseFileFormat(record.format);
    auto bits = record::parseSampleBits(record.bits);
    if (format && bits)
        if (auto pair = record::checkFormatBits(*format, *bits); !pair)
            return yaml.errorAt(record.where, pair.error().message);
    return {};
}

} // namespace backline::session
