// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ClientTable.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace backline::control {

/// How many wrong PINs an address may try before it is locked out, and for how long.
struct PinPolicy {
    int freeTries = 3;                          ///< wrong PINs answered at once
    std::chrono::seconds firstLockout {5};      ///< after the tries, doubled with each wrong one
    std::chrono::seconds maxLockout {15 * 60};  ///< the longest lock-out
    std::size_t maxAddresses = 4096;            ///< addresses remembered (the oldest forgotten)
};

/// The PIN that guards the web surface and, with `osc.require_pin`, OSC clients (`/auth`).
/// Compares in constant time and locks out an address that keeps guessing, with a lock-out
/// that doubles with each wrong PIN past the free tries. Shared by the web thread (the PIN
/// form) and the OSC thread (`/auth`), so a guesser is locked out of both. [any: locked]
class PinGate {
public:
    enum class Verdict {
        Accepted,  ///< the PIN is right (or none is set)
        Wrong,     ///< wrong; more tries are allowed
        LockedOut, ///< too many wrong ones: wait retryAfter (the PIN was not even compared)
    };
    struct Answer {
        Verdict verdict = Verdict::Wrong;
        std::chrono::seconds retryAfter {0};
    };

    explicit PinGate(std::string pin = {}, PinPolicy policy = {});

    /// [any] Sets the PIN (empty: none). A changed PIN bumps generation() (and forgets lock-outs).
    void setPin(std::string pin);
    /// [any] Whether a PIN is set.
    bool active() const;
    /// [any] Changes whenever the PIN does: web tokens issued under an older one are void.
    std::uint64_t generation() const;
    /// [any] Checks pin tried by address at nowNs.
    Answer check(const PeerAddress& address, std::string_view pin, std::int64_t nowNs);

    /// Whether a equals b, in a time that depends on their lengths only.
    static bool sameSecret(std::string_view a, std::string_view b) noexcept;

private:
    struct Tries {
        int wrong = 0;
        std::int64_t lockedUntilNs = 0;
        std::int64_t lastNs = 0;
    };

    mutable std::mutex mutex_;
    std::string pin_;
    PinPolicy policy_;
    std::uint64_t generation_ = 1;
    std::unordered_map<PeerAddress, Tries, PeerAddressHash> tries_;
};

} // namespace backline::control
