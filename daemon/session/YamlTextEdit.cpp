// SPDX-License-Identifier: GPL-3.0-or-later
// Edits to a YAML text at yaml-cpp's marks, keeping every other byte ([control]).
#include "session/YamlTextEdit.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace backline::session {

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t'; }

/// Words a YAML reader may take for something else than text.
bool reserved(std::string_view text)
{
    static constexpr std::array<std::string_view, 11> words { "true", "false", "yes", "no", "on", "off", "null", "y",
        "n", "~", "" };
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return std::find(words.begin(), words.end(), lower) != words.end();
}

} // namespace

std::string yamlScalar(std::string_view text)
{
    const auto plainChar = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/' || c == '.' || c == '-' || c == '*'
            || c == '?';
    };
    const bool plain = !reserved(text) && std::all_of(text.begin(), text.end(), plainChar)
        && (std::isalnum(static_cast<unsigned char>(text.front())) || text.front() == '/' || text.front() == '_');
    if (plain)
        return std::string(text);
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            quoted += '\\';
        if (static_cast<unsigned char>(c) < 0x20)
            quoted += fmt::format("\\x{:02x}", int(c));
        else
            quoted += c;
    }
    return quoted + "\"";
}

YamlTextEdit::YamlTextEdit(std::string_view text)
    : text_(text)
{
}

std::size_t YamlTextEdit::lineStart(std::size_t at) const
{
    const std::size_t newline = at == 0 ? std::string_view::npos : text_.rfind('\n', at - 1);
    return newline == std::string_view::npos ? 0 : newline + 1;
}

std::size_t YamlTextEdit::lineEnd(std::size_t at) const
{
    const std::size_t newline = text_.find('\n', at);
    return newline == std::string_view::npos ? text_.size() : newline;
}

std::size_t YamlTextEdit::scalarEnd(std::size_t begin) const
{
    if (begin >= text_.size())
        return begin;
    const char quote = text_[begin];
    std::size_t at = begin + 1;
    if (quote == '"') {
        while (at < text_.size() && text_[at] != '"')
            at += text_[at] == '\\' ? 2 : 1;
        return std::min(at + 1, text_.size());
    }
    if (quote == '\'') {
        while (at < text_.size()) {
            if (text_[at] == '\'' && (at + 1 >= text_.size() || text_[at + 1] != '\''))
                break;
            at += text_[at] == '\'' ? 2 : 1;
        }
        return std::min(at + 1, text_.size());
    }
    // The scalars edited in place are numbers and true/false: no spaces, no flow indicators.
    at = begin;
    while (at < text_.size() && !std::isspace(static_cast<unsigned char>(text_[at])) && text_[at] != ','
        && text_[at] != ']' && text_[at] != '}' && text_[at] != '#')
        ++at;
    return at;
}

Result<std::pair<std::size_t, std::size_t>> YamlTextEdit::flowClose(std::size_t begin) const
{
    int depth = 0;
    std::size_t lastItemEnd = begin + 1;
    for (std::size_t at = begin; at < text_.size(); ++at) {
        const char c = text_[at];
        if (c == '"' || c == '\'') {
            at = scalarEnd(at) - 1;
            lastItemEnd = at + 1;
        } else if (c == '#' && at > 0 && std::isspace(static_cast<unsigned char>(text_[at - 1]))) {
            at = lineEnd(at);
        } else if (c == '{' || c == '[') {
            ++depth;
            if (at != begin)
                lastItemEnd = at + 1;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return std::pair {at, lastItemEnd};
            lastItemEnd = at + 1;
        } else if (!std::isspace(static_cast<unsigned char>(c)) && c != ',') {
            lastItemEnd = at + 1;
        }
    }
    return makeError(ErrorCode::Session, "a flow collection that does not close");
}

Error YamlTextEdit::cannot(const YAML::Node& node, std::string_view what) const
{
    const YAML::Mark mark = node.Mark();
    return makeError(ErrorCode::Session,
        fmt::format("line {}, column {}: cannot {} here (the file's layout is not one the saver edits)", mark.line + 1,
            mark.column + 1, what));
}

Result<void> YamlTextEdit::replaceScalar(const YAML::Node& scalar, std::string_view replacement)
{
    const YAML::Mark mark = scalar.Mark();
    if (!scalar.IsScalar() || mark.is_null() || std::size_t(mark.pos) >= text_.size())
        return cannot(scalar, "replace a value");
    const auto begin = std::size_t(mark.pos);
    edits_.push_back({begin, scalarEnd(begin), std::string(replacement)});
    return {};
}

Result<void> YamlTextEdit::addToFlow(std::size_t open, std::string_view entry)
{
    auto close = flowClose(open);
    if (!close)
        return close.error();
    const bool empty = close->second == open + 1;
    edits_.push_back({close->second, close->second, fmt::format("{}{}", empty ? "" : ", ", entry)});
    return {};
}

std::string yamlFlowMap(const std::vector<std::pair<std::string, std::string>>& pairs)
{
    std::string out = "{";
    for (const auto& [key, value] : pairs)
        out += fmt::format("{}{}: {}", out.size() > 1 ? ", " : "", yamlScalar(key), value);
    return out + "}";
}

Result<void> YamlTextEdit::addToMap(const YAML::Node& map, std::string_view key, std::string_view value)
{
    const std::string entry = fmt::format("{}: {}", yamlScalar(key), value);
    return addEntry(map, [&](const std::string&) { return entry; });
}

Result<void> YamlTextEdit::addMapToMap(
    const YAML::Node& map, std::string_view key, const std::vector<std::pair<std::string, std::string>>& pairs)
{
    const std::string flow = fmt::format("{}: {}", yamlScalar(key), yamlFlowMap(pairs));
    return addEntry(map, [&](const std::string& indent) {
        if (indent.empty())
            return flow;
        std::string block = fmt::format("{}:", yamlScalar(key));
        for (const auto& [inner, value] : pairs)
            block += fmt::format("\n{}  {}: {}", indent, yamlScalar(inner), value);
        return block;
    });
}

Result<void> YamlTextEdit::addEntry(const YAML::Node& map, const std::function<std::string(const std::string&)>& entryAt)
{
    const YAML::Mark mark = map.Mark();
    if (!map.IsMap() || mark.is_null() || std::size_t(mark.pos) > text_.size())
        return cannot(map, "add a key");
    const auto pos = std::size_t(mark.pos);
    if (pos < text_.size() && text_[pos] == '{')
        return addToFlow(pos, entryAt(""));
    if (map.size() == 0)
        return cannot(map, "add a key");
    const YAML::Mark first = map.begin()->first.Mark();
    const std::string indent(std::size_t(first.column), ' ');
    // A block map's keys sit at a column of their own (the root's, at 0, get theirs by append()).
    const std::string entry = entryAt(indent);
    // After the last entry whose value is a one-line scalar on its key's line.
    std::vector<std::pair<YAML::Node, YAML::Node>> entries;
    for (const auto& pair : map)
        entries.emplace_back(pair.first, pair.second);
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        const YAML::Mark keyMark = it->first.Mark();
        const YAML::Mark valueMark = it->second.Mark();
        if (!it->second.IsScalar() || valueMark.is_null() || valueMark.line != keyMark.line)
            continue;
        const std::size_t end = scalarEnd(std::size_t(valueMark.pos));
        if (lineEnd(std::size_t(valueMark.pos)) < end)
            continue;
        edits_.push_back({lineEnd(end), lineEnd(end), fmt::format("\n{}{}", indent, entry)});
        return {};
    }
    // None: before the first key, which moves to a line of its own at its own column.
    edits_.push_back({std::size_t(first.pos), std::size_t(first.pos), fmt::format("{}\n{}", entry, indent)});
    return {};
}

Result<void> YamlTextEdit::addToSequence(const YAML::Node& sequence, std::string_view item)
{
    const YAML::Mark mark = sequence.Mark();
    if (!sequence.IsSequence() || mark.is_null() || std::size_t(mark.pos) > text_.size())
        return cannot(sequence, "add an item");
    const auto pos = std::size_t(mark.pos);
    if (pos < text_.size() && text_[pos] == '[')
        return addToFlow(pos, item);
    if (sequence.size() == 0)
        return cannot(sequence, "add an item");
    // The first item's dash starts its line (after the indentation) in the layouts edited here.
    const YAML::Mark first = sequence.begin()->Mark();
    const std::size_t start = lineStart(std::size_t(first.pos));
    std::size_t dash = start;
    while (dash < text_.size() && isBlank(text_[dash]))
        ++dash;
    if (dash >= text_.size() || text_[dash] != '-' || dash > std::size_t(first.pos))
        return cannot(sequence, "add an item");
    edits_.push_back({start, start, fmt::format("{}- {}\n", text_.substr(start, dash - start), item)});
    return {};
}

Result<void> YamlTextEdit::replaceTopLevel(const YAML::Node& key, const YAML::Node* nextKey, std::string_view lines)
{
    const YAML::Mark mark = key.Mark();
    if (mark.is_null() || mark.column != 0)
        return cannot(key, "rewrite this key");
    const auto begin = std::size_t(mark.pos);
    std::size_t end = text_.size();
    if (nextKey) {
        const YAML::Mark next = nextKey->Mark();
        if (next.is_null() || next.column != 0)
            return cannot(*nextKey, "rewrite the key before this one");
        end = std::size_t(next.pos);
        // Comment and blank lines just before the next key are that key's.
        while (end > begin) {
            const std::size_t start = lineStart(end - 1);
            std::size_t first = start;
            while (first < end && isBlank(text_[first]))
                ++first;
            if (start <= begin || (first < end && text_[first] != '#' && text_[first] != '\n'))
                break;
            end = start;
        }
    }
    edits_.push_back({begin, std::max(begin, end), std::string(lines)});
    return {};
}

void YamlTextEdit::append(std::string_view lines)
{
    const bool newline = !text_.empty() && text_.back() != '\n'
        && std::none_of(edits_.begin(), edits_.end(), [&](const Edit& e) { return e.begin == text_.size(); });
    edits_.push_back({text_.size(), text_.size(), fmt::format("{}{}", newline ? "\n" : "", lines)});
}

Result<std::string> YamlTextEdit::result() const
{
    std::vector<const Edit*> order;
    for (const auto& edit : edits_)
        order.push_back(&edit);
    // Edits at one place keep the order they were made in: edits_ is one array, so its
    // addresses are that order (std::stable_sort's temporary buffer is deprecated in C++17).
    std::sort(order.begin(), order.end(),
        [](const Edit* a, const Edit* b) { return a->begin != b->begin ? a->begin < b->begin : a < b; });
    std::string out;
    std::size_t cursor = 0;
    for (const Edit* edit : order) {
        if (edit->begin < cursor)
            return makeError(ErrorCode::Session, "two changes to the same place of the file");
        out.append(text_.substr(cursor, edit->begin - cursor));
        out += edit->text;
        cursor = edit->end;
    }
    out.append(text_.substr(cursor));
    return out;
}

} // namespace backline::session
