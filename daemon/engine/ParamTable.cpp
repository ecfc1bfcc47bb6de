// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/ParamTable.h"

#include <algorithm>
#include <numeric>

namespace backline::engine {

namespace {

std::size_t editDistance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t {0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

} // namespace

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
    std::string best;
    // Beyond a third of the address, a suggestion is more confusing than helpful.
    std::size_t bestDistance = std::max<std::size_t>(2, address.size() / 3) + 1;
    for (const auto& p : params_) {
        const std::size_t d = editDistance(address, p.address);
        if (d < bestDistance) {
            bestDistance = d;
            best = p.address;
        }
    }
    return best;
}

} // namespace backline::engine
