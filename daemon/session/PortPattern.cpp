// SPDX-License-Identifier: GPL-3.0-or-later
// A port name pattern's check: regcomp, as the matchers do ([control]).
#include "session/PortPattern.h"

#include <fmt/format.h>

#include <regex.h>

namespace backline::session {

std::string portPatternProblem(const std::string& pattern)
{
    constexpr std::size_t longest = 256; // a port's full name is at most 320 bytes in JACK
    if (pattern.size() > longest)
        return fmt::format("is {} characters long, more than {}", pattern.size(), longest);
    regex_t compiled;
    const int rc = regcomp(&compiled, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char why[128];
        regerror(rc, &compiled, why, sizeof why);
        return fmt::format("is not a valid pattern ({})", why);
    }
    regfree(&compiled);
    return {};
}

} // namespace backline::session
