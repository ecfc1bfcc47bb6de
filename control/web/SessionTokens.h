// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>

namespace backline::control {

/// The random tokens handed out as the PIN cookie: a browser that gave the right PIN once
/// shows one with every request. Kept in memory only (a restart asks for the PIN again),
/// bounded (the oldest is forgotten first). [web]
class SessionTokens {
public:
    explicit SessionTokens(std::size_t capacity);

    /// A new token (32 random bytes, hex), remembered from now on.
    std::string issue();
    /// Whether token was issued and is still remembered.
    bool valid(std::string_view token) const;
    /// Forgets every token (the PIN changed).
    void clear();
    std::size_t size() const noexcept { return order_.size(); }

private:
    std::size_t capacity_;
    std::unordered_set<std::string> tokens_;
    std::deque<std::string> order_;
};

} // namespace backline::control
