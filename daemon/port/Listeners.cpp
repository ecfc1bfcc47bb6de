// SPDX-License-Identifier: GPL-3.0-or-later
#include "port/Listeners.h"

#include <algorithm>

namespace backline::port {

void Listeners::add(ChangeListener* listener)
{
    std::lock_guard lock(mutex_);
    listeners_.push_back(listener);
}

void Listeners::remove(ChangeListener* listener)
{
    std::lock_guard lock(mutex_);
    std::erase(listeners_, listener);
}

void Listeners::changed(const std::vector<std::pair<std::string, float>>& changes, std::int64_t dueNs)
{
    std::lock_guard lock(mutex_);
    for (auto* listener : listeners_)
        for (const auto& [address, value] : changes)
            listener->paramChanged(address, value, dueNs);
}

void Listeners::reset()
{
    std::lock_guard lock(mutex_);
    for (auto* listener : listeners_)
        listener->paramsReset();
}

void Listeners::notice(const Notice& notice)
{
    std::lock_guard lock(mutex_);
    for (auto* listener : listeners_)
        listener->notice(notice);
}

} // namespace backline::port
