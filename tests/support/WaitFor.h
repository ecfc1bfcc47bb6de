// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <functional>

namespace backline::test {

/// How long a test waits for another thread (the disk writer, the OSC thread, a child process)
/// before it gives up and lets its assertions report: generous, since CI runs on a loaded
/// 2-core machine under sanitizers, where what takes 100 ms here may take seconds.
inline constexpr std::chrono::milliseconds defaultWait {10'000};

/// Polls pred every `every` until it holds or timeout passes; returns whether it held. Use it
/// instead of a fixed sleep whenever a test waits for another thread to do something (a pred
/// that asks a server over the network wants a longer `every`).
bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = defaultWait,
    std::chrono::milliseconds every = std::chrono::milliseconds(2));

} // namespace backline::test
