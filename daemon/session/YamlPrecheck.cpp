// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/YamlPrecheck.h"

#include <cstddef>
#include <utility>
#include <fmt/format.h>

namespace backline::session {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool isFlowIndicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

/// A line made of "---" or "..." and then nothing or a blank.
bool documentMarker(std::string_view row, std::string_view marker)
{
    return row.substr(0, 3) == marker && (row.size() == 3 || blank(row[3]));
}

/// The first character YAML does not allow, with its position.
std::optional<std::pair<TextPosition, unsigned char>> firstControlCharacter(std::string_view text)
{
    int line = 1, column = 1;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
            return std::pair {TextPosition {line, column}, c};
        if (c == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return std::nullopt;
}

std::size_t indentOf(std::string_view row)
{
    std::size_t n = 0;
    while (n < row.size() && row[n] == ' ')
        ++n;
    return n;
}

} // namespace

std::optional<PrecheckProblem> precheckYaml(std::string_view text)
{
    if (const auto control = firstControlCharacter(text))
        return PrecheckProblem {control->first,
            fmt::format("control character U+{:04X} in the text (a session file is plain text: tabs and line "
                        "breaks are the only control characters it may hold)",
                unsigned(control->second))};
    if (const auto at = findStrayFlowEntry(text))
        return PrecheckProblem {*at,
            "YAML syntax error: ',' separates items only inside [ ] or { } (remove it, or put the list in brackets)"};
    return std::nullopt;
}

std::optional<TextPosition> findControlCharacter(std::string_view text)
{
    if (const auto control = firstControlCharacter(text))
        return control->first;
    return std::nullopt;
}

std::optional<TextPosition> findStrayFlowEntry(std::string_view text)
{
    // A light tokeniser: just enough YAML to know where a token starts in block context. It
    // follows flow nesting, quoted scalars (which may span lines), comments, block scalars and
    // plain scalars; a ',' anywhere else is the stray one.
    int depth = 0;              // [ ] and { } nesting
    char quote = 0;             // the quote of a scalar still open at the end of a line
    long blockParent = -1;      // indentation of the line that opened a block scalar, or -1
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3); // a UTF-8 byte order mark
    int line = 1;
    for (std::size_t begin = 0; begin <= text.size(); ++line) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view row = text.substr(begin, end - begin);
        begin = end + 1;

        std::size_t at = indentOf(row);
        if (blockParent >= 0) {
            if (at == row.size() || long(at) > blockParent)
                continue; // block scalar content (or a blank line inside it)
            blockParent = -1;
        }
        if (!quote && (documentMarker(row, "---") || documentMarker(row, "..."))) {
            depth = 0;
            at = 3;
        } else if (!quote && depth == 0 && !row.empty() && row[0] == '%') {
            continue; // a directive
        }
        bool plain = false; // inside a plain scalar (block context)
        while (at < row.size()) {
            const char c = row[at];
            if (quote) {
                if (quote == '"' && c == '\\')
                    at += 2;
                else if (c == quote && quote == '\'' && at + 1 < row.size() && row[at + 1] == '\'')
                    at += 2;
                else {
                    if (c == quote)
                        quote = 0;
                    ++at;
                }
                continue;
            }
            if (blank(c)) {
                ++at;
                continue;
            }
            if (c == '#' && (at == 0 || blank(row[at - 1])))
                break; // a comment
            const bool followedByBlank = at + 1 == row.size() || blank(row[at + 1]);
            if (depth > 0) {
                if (c == '"' || c == '\'')
                    quote = c;
                else if (c == '[' || c == '{')
                    ++depth;
                else if (c == ']' || c == '}')
                    --depth;
                ++at;
                continue;
            }
            if (plain) {
                if (c == ':' && followedByBlank)
                    plain = false; // a key ends; its value is a new token
                ++at;
                continue;
            }
            // Block context, where a token begins.
            if (c == ',')
                return TextPosition {line, int(at) + 1};
            if (c == '"' || c == '\'') {
                quote = c;
                ++at;
            } else if (c == '[' || c == '{') {
                ++depth;
                ++at;
            } else if ((c == '-' || c == '?' || c == ':') && followedByBlank) {
                ++at;
            } else if (c == '!' || c == '&' || c == '*') {
                // A tag, an anchor or an alias: yaml-cpp ends it at a blank or a flow indicator,
                // so in "!tag,x" the ',' begins a token.
                ++at;
                while (at < row.size() && !blank(row[at]) && !isFlowIndicator(row[at]))
                    ++at;
            } else if (c == '|' || c == '>') {
                blockParent = long(indentOf(row));
                break;
            } else {
                plain = true;
                ++at;
            }
        }
    }
    return std::nullopt;
}

} // namespace backline::session
