// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

/// The text of a request the web server reads itself: the target's path (percent-decoded and
/// checked against traversal), form fields and cookies, and OSCQuery's query strings. No Beast:
/// a library of its own (backline_httptext), tested and fuzzed alone.
namespace backline::control::httptext {

/// A target's path and query.
struct Target {
    std::string path;  ///< decoded: "/", "/js/app.js"
    std::string query; ///< as sent, without '?'
};

/// The path of an origin-form target ("/a/b.js?x=1"), decoded; nullopt (why says why) when it
/// is not one, has a bad or NUL escape, a backslash, or a "." or ".." segment (spelled out or
/// %-encoded): nothing may name a file outside the page's folder.
std::optional<Target> parseTarget(std::string_view target, std::string* why = nullptr);

/// Decodes %XX (a '+' stays a '+'); nullopt on a bad escape.
std::optional<std::string> percentDecode(std::string_view text);

/// Decodes %XX and '+' (a form's space); nullopt on a bad escape.
std::optional<std::string> formDecode(std::string_view text);

/// The value of field name in an application/x-www-form-urlencoded body, decoded; nullopt when absent or bad.
std::optional<std::string> formField(std::string_view body, std::string_view name);

/// The value of cookie name in a Cookie header ("a=1; b=2"); empty when absent.
std::string_view cookie(std::string_view header, std::string_view name);

} // namespace backline::control::httptext
