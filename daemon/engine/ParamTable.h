// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/ParamInfo.h"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace backline::engine {

/// The parameters of one graph, by id and by address. Immutable once built; shared between
/// the graph and the control side.
class ParamTable {
public:
    /// [control] Adds a parameter; false when the address is taken.
    bool add(ParamInfo info);

    std::size_t size() const noexcept { return params_.size(); }
    const ParamInfo& operator[](ParamId id) const noexcept { return params_[id]; }
    const std::vector<ParamInfo>& all() const noexcept { return params_; }

    /// The id of address, if there is such a parameter.
    std::optional<ParamId> find(std::string_view address) const;

    /// The known address closest to a mistyped one (for "did you mean"), or empty.
    std::string closest(std::string_view address) const;

private:
    std::vector<ParamInfo> params_;
    std::unordered_map<std::string, ParamId> byAddress_;
};

} // namespace backline::engine
