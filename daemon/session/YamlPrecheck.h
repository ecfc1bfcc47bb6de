// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

/// Checks a session's text before yaml-cpp parses it: yaml-cpp 0.7 (Debian 12's) never returns
/// from some invalid texts, allocating until memory runs out (found by tests/fuzz).
namespace backline::session {

/// A 1-based line and column (in bytes) in a text.
struct TextPosition {
    int line = 0;
    int column = 0;
};

/// Why a text is refused, and where.
struct PrecheckProblem {
    TextPosition at;
    std::string message;
};

/// [any] The first problem findControlCharacter or findUnsafeToken finds, in words.
std::optional<PrecheckProblem> precheckYaml(std::string_view text);

/// [any] The first control character YAML does not allow in a text (anything below U+0020
/// but tab, line feed and carriage return, and U+007F), or nullopt.
std::optional<TextPosition> findControlCharacter(std::string_view text);

/// What findUnsafeToken refuses.
enum class UnsafeToken {
    StrayComma, ///< a ',' where a token begins outside [ ] and { }: ",a", "--- ,a", "\"a\"\n,b"
    Tag,        ///< a tag, "!…" (sessions have no use for them)
    ComplexKey, ///< a complex key, "? …" (likewise)
};

/// Where findUnsafeToken found one.
struct UnsafeTokenAt {
    TextPosition at;
    UnsafeToken what;
};

/// [any] The first token that sends yaml-cpp 0.7 into its endless allocation or leads there
/// (found by tests/fuzz), or nullopt. A light tokeniser: commas, '!' and '?' inside plain
/// scalars ("gain: 1, 2", "name: Hey!"), quotes, comments, block scalars and flow collections
/// (commas) are left alone.
std::optional<UnsafeTokenAt> findUnsafeToken(std::string_view text);

} // namespace backline::session
