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
    // A light tokeniser: just enough YAML to know where a token begins. It follows flow nesting,
    // quoted scalars (which may span lines), plain scalars, properties, comments and block
    // scalars; a ',' that begins a token outside [ ] and { } is the stray one.
    int depth = 0;         // [ ] and { } nesting
    char quote = 0;        // the quote of a scalar still open at the end of a line
    long blockParent = -1; // indentation of the line that opened a block scalar, or -1
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
        bool plain = false; // inside a plain scalar; a multi-line one is not followed (a
                            // continuation line starting with ',' is refused: odd, but rare)
        for (; at < row.size(); ++at) {
            const char c = row[at];
            if (quote) {
                if (quote == '"' && c == '\\')
                    ++at; // an escape: skip the escaped character
                else if (c == '\'' && quote == '\'' && at + 1 < row.size() && row[at + 1] == '\'')
                    ++at; // '' inside single quotes
                else if (c == quote)
                    quote = 0;
                continue;
            }
            const bool blankBefore = at == 0 || blank(row[at - 1]);
            const bool blankAfter = at + 1 == row.size() || blank(row[at + 1]);
            if (blank(c))
                continue;
            if (c == '#' && blankBefore)
                break; // a comment
            if (plain) {
                if (c == ':' && (blankAfter || (depth > 0 && isFlowIndicator(row[at + 1]))))
                    plain = false; // a key ends; its value is a new token
                else if (depth > 0 && isFlowIndicator(c))
                    plain = false; // flow indicators end a plain scalar inside [ ] and { }: read c below
                else
                    continue; // the scalar goes on (a ',' in it is text in block context)
                if (c == ':')
                    continue;
            }
            // Here a token begins.
            if (c == ',') {
                if (depth == 0)
                    return TextPosition {line, int(at) + 1};
            } else if (c == '[' || c == '{') {
                ++depth;
            } else if (c == ']' || c == '}') {
                if (depth > 0)
                    --depth;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if ((c == '-' || c == '?' || c == ':') && blankAfter) {
                // an indicator
            } else if (c == '!' || c == '&' || c == '*') {
                // A tag, an anchor or an alias: yaml-cpp ends it at a blank or a flow indicator,
                // so in "!tag,x" the ',' begins a token.
                while (at + 1 < row.size() && !blank(row[at + 1]) && !isFlowIndicator(row[at + 1]))
                    ++at;
            } else if ((c == '|' || c == '>') && depth == 0) {
                blockParent = long(indentOf(row));
                break;
            } else {
                plain = true;
            }
        }
    }
    return std::nullopt;
}

} // namespace backline::session
