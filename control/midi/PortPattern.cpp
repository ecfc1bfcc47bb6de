// SPDX-License-Identifier: GPL-3.0-or-later
// PortPatterns: compiling and matching port name patterns ([control]).
#include "control/midi/PortPattern.h"

#include <fmt/format.h>

namespace backline::control::midi {

namespace {

/// regerror's text for rc from compiling re.
std::string regexProblem(int rc, const regex_t* re)
{
    char why[160];
    regerror(rc, re, why, sizeof why);
    return why;
}

} // namespace

void PortPatterns::Free::operator()(regex_t* re) const noexcept
{
    regfree(re);
    delete re;
}

Result<PortPatterns> PortPatterns::compile(const std::vector<std::string>& patterns, std::string_view what)
{
    PortPatterns out;
    out.patterns_ = patterns;
    for (const std::string& pattern : patterns) {
        auto bad = [&](int rc, const regex_t* re) {
            return makeError(ErrorCode::Midi,
                fmt::format("{} '{}' is not a valid POSIX extended regular expression ({}); '.*' matches any "
                            "text, a backslash makes a character plain ('\\[20\\]')",
                    what, pattern, regexProblem(rc, re)));
        };
        // The pattern alone first, so a mistake is reported as the person wrote it and not as
        // the wrapped text below (a trailing backslash would escape the closing parenthesis).
        regex_t alone;
        if (const int rc = regcomp(&alone, pattern.c_str(), REG_EXTENDED | REG_NOSUB); rc != 0)
            return bad(rc, &alone);
        regfree(&alone);
        std::unique_ptr<regex_t, Free> whole(new regex_t);
        if (const int rc = regcomp(whole.get(), ("^(" + pattern + ")$").c_str(), REG_EXTENDED | REG_NOSUB); rc != 0) {
            const std::string why = regexProblem(rc, whole.get());
            delete whole.release(); // regcomp failed: nothing to regfree
            return makeError(ErrorCode::Midi, fmt::format("{} '{}' cannot be matched against whole port names ({})",
                                                  what, pattern, why));
        }
        out.compiled_.push_back(std::move(whole));
    }
    return out;
}

bool PortPatterns::matches(const std::string& name) const noexcept
{
    for (const auto& re : compiled_)
        if (regexec(re.get(), name.c_str(), 0, nullptr, 0) == 0)
            return true;
    return false;
}

} // namespace backline::control::midi
