// SPDX-License-Identifier: GPL-3.0-or-later
// The PIN cookie's tokens, on the web thread: random, remembered in memory, bounded.
#include "control/web/SessionTokens.h"

#include <fmt/format.h>

#include <array>
#include <random>
#include <sys/random.h>

namespace backline::control {

SessionTokens::SessionTokens(std::size_t capacity)
    : capacity_(capacity)
{
}

std::string SessionTokens::issue()
{
    std::array<std::uint8_t, 32> bytes {};
    std::size_t got = 0;
    while (got < bytes.size()) {
        const auto n = getrandom(bytes.data() + got, bytes.size() - got, 0);
        if (n <= 0)
            break;
        got += std::size_t(n);
    }
    if (got < bytes.size()) {
        // getrandom cannot fail once the kernel's pool is ready; should it, random_device reads
        // the same pool another way.
        std::random_device device;
        for (auto& b : bytes)
            b = std::uint8_t(device());
    }
    std::string token;
    for (const auto b : bytes)
        token += fmt::format("{:02x}", b);
    if (order_.size() >= capacity_) {
        tokens_.erase(order_.front());
        order_.pop_front();
    }
    tokens_.insert(token);
    order_.push_back(token);
    return token;
}

bool SessionTokens::valid(std::string_view token) const
{
    return !token.empty() && tokens_.contains(std::string(token));
}

void SessionTokens::clear()
{
    tokens_.clear();
    order_.clear();
}

} // namespace backline::control
