// SPDX-License-Identifier: GPL-3.0-or-later
// Request text the web server reads itself (paths, forms, cookies), on the web thread.
#include "control/web/HttpText.h"

namespace backline::control::httptext {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::string> decode(std::string_view text, bool plusIsSpace)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int hi = hexValue(text[i + 1]);
            const int lo = hexValue(text[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            out += char(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plusIsSpace) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

bool fail(std::string* why, const char* text)
{
    if (why)
        *why = text;
    return false;
}

} // namespace

std::optional<std::string> percentDecode(std::string_view text) { return decode(text, false); }

std::optional<Target> parseTarget(std::string_view target, std::string* why)
{
    if (target.empty() || target.front() != '/') {
        fail(why, "the request's target must be a path starting with '/'");
        return std::nullopt;
    }
    Target out;
    const auto question = target.find('?');
    if (question != std::string_view::npos) {
        out.query = std::string(target.substr(question + 1));
        target = target.substr(0, question);
    }
    const auto hash = target.find('#');
    if (hash != std::string_view::npos)
        target = target.substr(0, hash);
    auto decoded = decode(target, false);
    if (!decoded) {
        fail(why, "the path has a bad %-escape");
        return std::nullopt;
    }
    for (const char c : *decoded)
        if (c == '\0' || c == '\\') {
            fail(why, "the path holds a NUL or a backslash");
            return std::nullopt;
        }
    // Each segment between slashes: "." and ".." may not appear, decoded or not.
    std::string_view rest(*decoded);
    while (!rest.empty()) {
        rest.remove_prefix(1); // the '/'
        const auto slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        if (segment == "." || segment == "..") {
            fail(why, "the path may not climb out of the page's folder ('.' or '..')");
            return std::nullopt;
        }
        if (slash == std::string_view::npos)
            break;
        rest = rest.substr(slash);
    }
    if (decoded->find("//") != std::string::npos) {
        fail(why, "the path has an empty segment ('//')");
        return std::nullopt;
    }
    out.path = std::move(*decoded);
    return out;
}

std::optional<std::string> formDecode(std::string_view text) { return decode(text, true); }

std::optional<std::string> formField(std::string_view body, std::string_view name)
{
    while (!body.empty()) {
        const auto amp = body.find('&');
        const std::string_view pair = body.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name)
            return formDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (amp == std::string_view::npos)
            break;
        body.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

std::string_view cookie(std::string_view header, std::string_view name)
{
    while (!header.empty()) {
        const auto semi = header.find(';');
        std::string_view pair = header.substr(0, semi);
        while (!pair.empty() && pair.front() == ' ')
            pair.remove_prefix(1);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name)
            return pair.substr(eq + 1);
        if (semi == std::string_view::npos)
            break;
        header.remove_prefix(semi + 1);
    }
    return {};
}

} // namespace backline::control::httptext
