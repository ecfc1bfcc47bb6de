// SPDX-License-Identifier: GPL-3.0-or-later
// The PIN check shared by the web surface and `/auth` over OSC, with its per-address lock-out.
#include "control/osc/PinGate.h"

#include <algorithm>

namespace backline::control {

PinGate::PinGate(std::string pin, PinPolicy policy)
    : pin_(std::move(pin))
    , policy_(policy)
{
}

void PinGate::setPin(std::string pin)
{
    std::lock_guard lock(mutex_);
    if (pin == pin_)
        return;
    pin_ = std::move(pin);
    ++generation_;
    tries_.clear();
}

bool PinGate::active() const
{
    std::lock_guard lock(mutex_);
    return !pin_.empty();
}

std::uint64_t PinGate::generation() const
{
    std::lock_guard lock(mutex_);
    return generation_;
}

bool PinGate::sameSecret(std::string_view a, std::string_view b) noexcept
{
    // Every byte of the longer one is looked at whatever the others hold: the time taken says
    // nothing about how many leading characters were right.
    const std::size_t n = std::max(a.size(), b.size());
    unsigned diff = unsigned(a.size() != b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= unsigned(x ^ y);
    }
    return diff == 0;
}

PinGate::Answer PinGate::check(const PeerAddress& address, std::string_view pin, std::int64_t nowNs)
{
    constexpr std::int64_t nsPerSecond = 1'000'000'000;
    std::lock_guard lock(mutex_);
    if (pin_.empty())
        return {Verdict::Accepted, {}};
    auto it = tries_.find(address);
    if (it != tries_.end() && nowNs < it->second.lockedUntilNs)
        return {Verdict::LockedOut,
            std::chrono::seconds((it->second.lockedUntilNs - nowNs + nsPerSecond - 1) / nsPerSecond)};
    if (sameSecret(pin, pin_)) {
        if (it != tries_.end())
            tries_.erase(it);
        return {Verdict::Accepted, {}};
    }
    if (it == tries_.end()) {
        if (tries_.size() >= policy_.maxAddresses) {
            // Forget the address heard from longest ago: a spray of addresses cannot grow the table.
            auto oldest = std::min_element(tries_.begin(), tries_.end(),
                [](const auto& a, const auto& b) { return a.second.lastNs < b.second.lastNs; });
            tries_.erase(oldest);
        }
        it = tries_.emplace(address, Tries {}).first;
    }
    Tries& t = it->second;
    t.lastNs = nowNs;
    ++t.wrong;
    if (t.wrong <= policy_.freeTries)
        return {Verdict::Wrong, {}};
    const int doublings = std::min(t.wrong - policy_.freeTries - 1, 20);
    const auto lockout = std::min<std::int64_t>(policy_.firstLockout.count() << doublings, policy_.maxLockout.count());
    t.lockedUntilNs = nowNs + lockout * nsPerSecond;
    return {Verdict::LockedOut, std::chrono::seconds(lockout)};
}

} // namespace backline::control
