// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// Internal to the session library: changes to a YAML text made where yaml-cpp says its nodes
/// are (their marks), so every byte not asked to change — comments, key order, spacing, quotes
/// — stays as the user wrote it ([control]).
namespace backline::session {

/// A set of edits to one YAML text, made together by result(). Nodes must come from parsing
/// exactly that text. Values given are one line of YAML (flow style for a collection).
class YamlTextEdit {
public:
    explicit YamlTextEdit(std::string_view text);

    /// Replaces the scalar node (its text as written, quotes included) by replacement.
    Result<void> replaceScalar(const YAML::Node& scalar, std::string_view replacement);
    /// Adds `key: value` to map: before a flow map's `}`, or on a line of its own after the
    /// map's last entry that holds a one-line scalar (else before its first key) in a block
    /// map. (New top-level keys go at the end: append().)
    Result<void> addToMap(const YAML::Node& map, std::string_view key, std::string_view value);
    /// Adds `key:` holding pairs (key, one-line YAML value): as indented lines under it in a
    /// block map, as `{…}` in a flow map.
    Result<void> addMapToMap(
        const YAML::Node& map, std::string_view key, const std::vector<std::pair<std::string, std::string>>& pairs);
    /// Adds item to sequence: after a flow sequence's last item, or as a line of its own
    /// before a block sequence's first `- `.
    Result<void> addToSequence(const YAML::Node& sequence, std::string_view item);
    /// Replaces a top-level entry — from the start of its key's line up to the next top-level
    /// key (nextKey; nullptr: the end of the text), less the comment and blank lines just
    /// before that key, which belong to it — by lines (ending in a newline).
    Result<void> replaceTopLevel(const YAML::Node& key, const YAML::Node* nextKey, std::string_view lines);
    /// Adds lines (ending in a newline) at the end of the text.
    void append(std::string_view lines);

    /// The text with every edit made. Edits at one place are made in the order asked for.
    Result<std::string> result() const;

private:
    struct Edit {
        std::size_t begin;
        std::size_t end;
        std::string text;
    };
    /// Where the scalar starting at begin ends (one past its last character).
    std::size_t scalarEnd(std::size_t begin) const;
    /// Where the flow collection opening at begin closes (its `}` or `]`), and one past the
    /// last character of its last item (begin + 1 when empty).
    Result<std::pair<std::size_t, std::size_t>> flowClose(std::size_t begin) const;
    std::size_t lineStart(std::size_t at) const;
    std::size_t lineEnd(std::size_t at) const;
    Result<void> addToFlow(std::size_t open, std::string_view entry);
    /// Adds the entry entryAt(indent) makes for a block map whose keys sit at indent (for a flow
    /// map: entryAt("")) where addToMap says.
    Result<void> addEntry(const YAML::Node& map, const std::function<std::string(const std::string&)>& entryAt);
    Error cannot(const YAML::Node& node, std::string_view what) const;

    std::string_view text_;
    std::vector<Edit> edits_;
};

/// A scalar as YAML writes it: plain where that reads back the same (addresses, names, numbers),
/// double-quoted otherwise. Safe in flow collections and as a key.
std::string yamlScalar(std::string_view text);

/// pairs (key, one-line YAML value) as a flow map: `{a: 1, b: 2}`.
std::string yamlFlowMap(const std::vector<std::pair<std::string, std::string>>& pairs);

} // namespace backline::session
