// SPDX-License-Identifier: GPL-3.0-or-later
// Globs over parameter addresses (see SceneScope.h).
#include "show/SceneScope.h"

#include <fmt/format.h>

#include <algorithm>

namespace backline::show {

namespace {

/// Whether one segment of a glob matches one of an address: `*` any run, `?` any character.
bool segmentMatches(std::string_view glob, std::string_view text)
{
    // The classic backtracking match: on a mismatch, let the last `*` swallow one more character.
    std::size_t g = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (g < glob.size() && (glob[g] == '?' || glob[g] == text[t])) {
            ++g;
            ++t;
        } else if (g < glob.size() && glob[g] == '*') {
            star = g++;
            mark = t;
        } else if (star != std::string_view::npos) {
            g = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (g < glob.size() && glob[g] == '*')
        ++g;
    return g == glob.size();
}

/// The next segment of path from pos (which is after a '/'), moving pos past it.
std::string_view nextSegment(std::string_view path, std::size_t& pos)
{
    const std::size_t end = std::min(path.find('/', pos), path.size());
    const std::string_view segment = path.substr(pos, end - pos);
    pos = end + 1;
    return segment;
}

} // namespace

bool globMatches(std::string_view glob, std::string_view address)
{
    if (glob.empty() || address.empty() || glob[0] != '/' || address[0] != '/')
        return false;
    std::size_t g = 1, a = 1;
    while (g <= glob.size()) {
        if (a > address.size())
            return false; // the glob goes deeper than the address
        if (!segmentMatches(nextSegment(glob, g), nextSegment(address, a)))
            return false;
    }
    return true;
}

Result<std::string> parseGlob(std::string_view text)
{
    std::string glob(text);
    if (!glob.empty() && glob[0] != '/')
        glob = "/track/" + glob;
    while (glob.size() > 1 && glob.back() == '/')
        glob.pop_back();
    if (glob.empty() || glob == "/")
        return makeError(ErrorCode::Param, "a scope needs a glob such as '/track/vox/*' or a track's name");
    if (glob.find("//") != std::string::npos)
        return makeError(ErrorCode::Param, fmt::format("'{}' has an empty segment ('//')", text));
    if (std::any_of(glob.begin(), glob.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20; }))
        return makeError(ErrorCode::Param, fmt::format("'{}' holds a space or a control character", text));
    return glob;
}

bool SceneScope::contains(std::string_view address) const
{
    return globs_.empty()
        || std::any_of(globs_.begin(), globs_.end(), [&](const std::string& g) { return globMatches(g, address); });
}

} // namespace backline::show
