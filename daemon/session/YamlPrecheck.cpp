// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/YamlPrecheck.h"

#include <cstddef>
#include <utility>
#include <fmt/format.h>

namespace backline::session {

namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }

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
    if (const auto token = findUnsafeToken(text)) {
        switch (token->what) {
        case UnsafeToken::StrayComma:
            return PrecheckProblem {token->at,
                "YAML syntax error: ',' separates items only inside [ ] or { } (remove it, or put the list in "
                "brackets)"};
        case UnsafeToken::Tag:
            return PrecheckProblem {token->at,
                "YAML tags ('!…') have no meaning in a session file; remove it (quote the value if the '!' is "
                "part of it)"};
        case UnsafeToken::ComplexKey:
            return PrecheckProblem {token->at,
                "YAML complex keys ('? ') have no meaning in a session file; write 'key: value'"};
        }
    }
    return std::nullopt;
}

std::optional<TextPosition> findControlCharacter(std::string_view text)
{
    if (const auto control = firstControlCharacter(text))
        return control->first;
    return std::nullopt;
}

std::optional<UnsafeTokenAt> findUnsafeToken(std::string_view text)
{
    // A light tokeniser: just enough YAML to know where a token begins. It follows flow nesting,
    // quoted scalars and plain scalars (both may span lines), anchors, comments and block
    // scalars, the way yaml-cpp reads them.
    int depth = 0;            // [ ] and { } nesting
    char quote = 0;           // the quote of a scalar still open at the end of a line
    long blockParent = -1;    // indentation of the line that opened a block scalar, or -1
    long blockContent = -1;   // indentation of that block scalar's first line of content
    bool plain = false;       // inside a plain scalar
    long plainParent = -1;    // a block plain scalar goes on in lines indented more than this
    bool structured = false;  // the document has a block mapping or sequence (else its top-level
                              // scalar goes on over lines of any indentation)
    bool first = true;        // no token of the document read yet
    bool adjacent = false;    // right after a quoted scalar or a flow collection, where ':' is
                              // a value indicator even without a blank after it ("a":b)
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3); // a UTF-8 byte order mark
    int line = 1;
    for (std::size_t begin = 0; begin <= text.size(); ++line) {
        // Lines end at LF or CR LF. A lone CR is neither a break nor a blank to yaml-cpp but a
        // character like any other (so "&a\rx," is the anchor "a\rx" and then a ','): read as
        // a blank, it once let such a text through to the runaway.
        std::size_t end = text.find('\n', begin);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view row = text.substr(begin, end - begin);
        if (!row.empty() && row.back() == '\r' && end < text.size())
            row.remove_suffix(1);
        begin = end + 1;

        std::size_t at = indentOf(row);
        if (blockParent >= 0) {
            // Its first line of content sets the indentation; a line indented less ends it.
            if (at == row.size())
                continue; // a blank line inside it
            if (blockContent < 0 && long(at) > blockParent)
                blockContent = long(at);
            if (blockContent >= 0 && long(at) >= blockContent)
                continue;
            blockParent = -1;
        }
        if (!quote && (documentMarker(row, "---") || documentMarker(row, "..."))) {
            depth = 0;
            plain = false;
            structured = false;
            first = true;
            at = 3;
        } else if (!quote && depth == 0 && !row.empty() && row[0] == '%') {
            plain = false;
            continue; // a directive
        }
        // A plain scalar goes on in the next line inside [ ] or { } (where flow indicators end
        // it), and in block context when that line is indented deeper than its parent.
        if (plain && depth == 0 && at < row.size() && long(at) <= plainParent)
            plain = false;
        for (; at < row.size(); ++at) {
            const char c = row[at];
            if (quote) {
                if (quote == '"' && c == '\\')
                    ++at; // an escape: skip the escaped character
                else if (c == '\'' && quote == '\'' && at + 1 < row.size() && row[at + 1] == '\'')
                    ++at; // '' inside single quotes
                else if (c == quote) {
                    quote = 0;
                    adjacent = true;
                }
                continue;
            }
            const bool blankBefore = at == 0 || blank(row[at - 1]);
            const bool blankAfter = at + 1 == row.size() || blank(row[at + 1]);
            if (blank(c))
                continue;
            if (c == '#' && blankBefore) {
                plain = false; // a comment ends a plain scalar: it cannot go on after one
                break;
            }
            if (plain) {
                if (c == ':' && (blankAfter || (depth > 0 && isFlowIndicator(row[at + 1])))) {
                    plain = false; // a key ends; its value is a new token
                    structured = structured || depth == 0;
                    continue;
                }
                if (!(depth > 0 && isFlowIndicator(c)))
                    continue; // the scalar goes on (a ',' in it is text in block context)
                plain = false; // inside [ ] and { } a flow indicator ends it: read c below
            }
            // yaml-cpp skips to the next token by eating blanks and then a '#' comment, blank
            // before it or not: "[#x" is '[' and a comment.
            if (c == '#')
                break;
            // Here a token begins.
            const TextPosition here {line, int(at) + 1};
            const bool wasFirst = std::exchange(first, false);
            if (std::exchange(adjacent, false) && c == ':') {
                structured = structured || depth == 0;
                continue;
            }
            if (c == ',') {
                if (depth == 0)
                    return UnsafeTokenAt {here, UnsafeToken::StrayComma};
            } else if (c == '!') {
                return UnsafeTokenAt {here, UnsafeToken::Tag};
            } else if (c == '?' && blankAfter) {
                return UnsafeTokenAt {here, UnsafeToken::ComplexKey};
            } else if (c == '[' || c == '{') {
                ++depth;
            } else if (c == ']' || c == '}') {
                if (depth > 0)
                    --depth;
                adjacent = true;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if ((c == '-' || c == ':') && blankAfter) {
                structured = structured || depth == 0;
            } else if (c == '&' || c == '*') {
                // An anchor or an alias: yaml-cpp ends it at a blank or a flow indicator, so in
                // "&a,x" the ',' begins a token.
                while (at + 1 < row.size() && !blank(row[at + 1]) && !isFlowIndicator(row[at + 1]))
                    ++at;
            } else if ((c == '|' || c == '>') && depth == 0) {
                blockParent = long(indentOf(row));
                blockContent = -1;
                break;
            } else {
                plain = true;
                // Only a document that is one plain scalar lets it go on at any indentation
                // (after an anchor, yaml-cpp ends it at the next line's first column).
                plainParent = structured || !wasFirst ? long(indentOf(row)) : -1;
            }
        }
    }
    return std::nullopt;
}

} // namespace backline::session
