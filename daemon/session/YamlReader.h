// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

/// Internal to the session library: yaml-cpp stays behind this header.
namespace backline::session {

/// One `key: value` pair of a YAML map, with both nodes so a message can point at either.
struct YamlEntry {
    std::string key;
    YAML::Node keyNode;
    YAML::Node value;
};

/// What a number may be: its range and unit also spell out what a message says was expected.
struct NumberRange {
    double min;
    double max;
    std::string_view unit = {}; ///< e.g. "dB"; empty for a plain number
};

/// Typed reads of an already parsed YAML tree. Each read yields the value or a Session Error
/// whose message starts with `file:line:column: ` and says what was expected and what was
/// found. Only touches nodes in ways yaml-cpp does not throw for.
class YamlReader {
public:
    /// `file` is the session's name as the caller gave it: the prefix of every message.
    explicit YamlReader(std::string file);

    /// The session's name as it appears in messages.
    const std::string& file() const { return file_; }

    /// Where a node starts (1-based), or just the file when yaml-cpp has no mark for it.
    SourceLocation locate(const YAML::Node& node) const;
    /// Where an entry's value starts, or its key when the value is empty: yaml-cpp marks an
    /// empty value at the start of the next line, which would point at the wrong key.
    SourceLocation locate(const YamlEntry& entry) const;
    /// A Session error reading `where: message`.
    Error errorAt(const SourceLocation& where, std::string_view message) const;

    /// The entries of `map` in document order; rejects keys that are not plain scalars and
    /// keys given twice. `context` completes "duplicate key 'x' …", e.g. "in track 'pad'".
    Result<std::vector<YamlEntry>> entries(const YAML::Node& map, std::string_view context) const;
    /// The entries of an entry's value, which must be a map.
    Result<std::vector<YamlEntry>> mapEntries(const YamlEntry& entry, std::string_view context) const;
    /// Fails on the first key not in `known`, suggesting the closest known key when one is near.
    Result<void> checkKeys(
        const std::vector<YamlEntry>& entries, std::span<const std::string_view> known, std::string_view context) const;

    /// A non-empty scalar, as written.
    Result<std::string> text(const YamlEntry& entry) const;
    /// A finite number within `range`.
    Result<double> number(const YamlEntry& entry, NumberRange range) const;
    /// Any finite number.
    Result<double> number(const YamlEntry& entry) const;
    /// A whole decimal number from min to max.
    Result<int> integer(const YamlEntry& entry, int min, int max) const;
    /// true/false (also yes/no, on/off, y/n in their usual capitalisations, as yaml-cpp reads
    /// them); numbers are refused.
    Result<bool> boolean(const YamlEntry& entry) const;
    /// A list of non-empty scalars; `itemName` says what each is ("a JACK port name") and
    /// `example` shows a valid list ("[system:capture_1]").
    Result<std::vector<std::string>> textList(
        const YamlEntry& entry, std::string_view itemName, std::string_view example) const;

    /// How a value reads in a message: 'text' (shortened when long), "a list", "a map" or "nothing".
    static std::string describe(const YAML::Node& node);

private:
    Error expected(const YamlEntry& entry, std::string_view what) const;

    std::string file_;
};

} // namespace backline::session
