// SPDX-License-Identifier: GPL-3.0-or-later
#include "WaitFor.h"

#include <thread>

namespace backline::test {

bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout, std::chrono::milliseconds every)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (pred())
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return pred();
        std::this_thread::sleep_for(every);
    }
}

} // namespace backline::test
