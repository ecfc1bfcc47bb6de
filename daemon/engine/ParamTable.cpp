// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/ParamTable.h"

#include "core/ClosestMatch.h"

namespace backline::engine {

bool ParamTable::add(ParamInfo info)
{
    const auto id = static_cast<ParamId>(params_.size());
    if (!byAddress_.emplace(info.address, id).second)
        return false;
    params_.push_back(std::move(info));
    return true;
}

std::optional<ParamId> ParamTable::find(std::string_view address) const
{
    const auto it = byAddress_.find(std::string(address));
    if (it == byAddress_.end())
        return std::nullopt;
    return it->second;
}

std::string ParamTable::closest(std::string_view address) const
{
    // The one nearest-name rule (core/ClosestMatch.h), so OSC suggests what a session file would.
    std::vector<std::string_view> addresses;
    addresses.reserve(params_.size());
    for (const auto& p : params_)
        addresses.emplace_back(p.address);
    const auto near = closestMatch(address, addresses);
    return near ? std::string(*near) : std::string();
}

} // namespace backline::engine
