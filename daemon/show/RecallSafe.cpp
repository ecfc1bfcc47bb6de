// SPDX-License-Identifier: GPL-3.0-or-later
// The recall-safe globs (see RecallSafe.h).
#include "show/RecallSafe.h"

#include "show/SceneScope.h"

#include <algorithm>

namespace backline::show {

void RecallSafe::set(std::string glob, bool on)
{
    std::erase_if(entries_, [&](const auto& e) { return e.first == glob; });
    entries_.emplace_back(std::move(glob), on);
}

bool RecallSafe::covers(std::string_view address) const
{
    const auto last = std::find_if(
        entries_.rbegin(), entries_.rend(), [&](const auto& e) { return globMatches(e.first, address); });
    return last != entries_.rend() && last->second;
}

} // namespace backline::show
