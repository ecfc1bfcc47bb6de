// SPDX-License-Identifier: GPL-3.0-or-later
// ConnectionRules: the auto-connect rules in force — the session file's, as edited live.
#pragma once

#include "core/Result.h"
#include "port/ConnectionRule.h"

#include <cstdint>
#include <mutex>
#include <vector>

namespace backline::app {

/// The session's auto-connect rules (`connections:`) as they stand: the file's, with the rules
/// added and removed since over OSC. A reload follows the reload rule: the file's list replaces
/// the live one only when the file's changed since the last load, so rules added live survive
/// an edit elsewhere in the file. Thread-safe.
class ConnectionRules {
public:
    /// [control] A session was loaded whose file says fileRules.
    void adoptFile(const std::vector<port::ConnectionRule>& fileRules);
    /// [any] The rules in force, in order.
    std::vector<port::ConnectionRule> rules() const;
    /// [control] Adds rule at the end: refused when a side names no port a regcomp takes, or
    /// the same rule is there already.
    Result<void> add(const port::ConnectionRule& rule);
    /// [control] Removes rule; refused (saying which there are) when it is not one.
    Result<void> remove(const port::ConnectionRule& rule);
    /// [any] Counts the changes made live: a new count means there is something to save.
    std::uint64_t revision() const;

private:
    mutable std::mutex mutex_;
    std::vector<port::ConnectionRule> rules_;
    std::vector<port::ConnectionRule> file_;
    bool loaded_ = false;
    std::uint64_t revision_ = 0;
};

} // namespace backline::app
