// SPDX-License-Identifier: GPL-3.0-or-later
// ConnectionRules: the auto-connect rules in force, under the reload rule ([control], [any]).
#include "app/ConnectionRules.h"

#include "session/PortPattern.h"

#include <fmt/format.h>

#include <algorithm>

namespace backline::app {

void ConnectionRules::adoptFile(const std::vector<port::ConnectionRule>& fileRules)
{
    std::lock_guard lock(mutex_);
    if (!loaded_ || fileRules != file_)
        rules_ = fileRules;
    file_ = fileRules;
    loaded_ = true;
}

std::vector<port::ConnectionRule> ConnectionRules::rules() const
{
    std::lock_guard lock(mutex_);
    return rules_;
}

Result<void> ConnectionRules::add(const port::ConnectionRule& rule)
{
    for (const auto& [side, pattern] : {std::pair {"from", &rule.from}, std::pair {"to", &rule.to}}) {
        if (pattern->empty())
            return makeError(ErrorCode::Session, fmt::format("a rule needs its '{}' ports", side));
        if (auto problem = session::portPatternProblem(*pattern); !problem.empty())
            return makeError(ErrorCode::Session,
                fmt::format("'{}' ({}) {}; a whole port name as jack_lsp prints it is taken as it is, otherwise it is "
                            "a POSIX extended regular expression",
                    *pattern, side, problem));
    }
    std::lock_guard lock(mutex_);
    if (std::find(rules_.begin(), rules_.end(), rule) != rules_.end())
        return makeError(ErrorCode::Session, fmt::format("the rule {} → {} is there already", rule.from, rule.to));
    rules_.push_back(rule);
    ++revision_;
    return {};
}

Result<void> ConnectionRules::remove(const port::ConnectionRule& rule)
{
    std::lock_guard lock(mutex_);
    const auto it = std::find(rules_.begin(), rules_.end(), rule);
    if (it == rules_.end()) {
        std::string there;
        for (const auto& r : rules_)
            there += fmt::format("{}{} → {}", there.empty() ? "" : "; ", r.from, r.to);
        return makeError(ErrorCode::Session, fmt::format("there is no rule {} → {} ({})", rule.from, rule.to,
                                                 there.empty() ? "there are none" : "there are: " + there));
    }
    rules_.erase(it);
    ++revision_;
    return {};
}

std::uint64_t ConnectionRules::revision() const
{
    std::lock_guard lock(mutex_);
    return revision_;
}

} // namespace backline::app
