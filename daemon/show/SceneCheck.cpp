// SPDX-License-Identifier: GPL-3.0-or-later
// A session's scenes and safes against the parameters of the graph built from it.
#include "show/SceneCheck.h"

#include "core/ClosestMatch.h"
#include "show/SceneScope.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace backline::show {

namespace {

/// "unknown parameter 'x' (did you mean 'y'?)", by the one nearest-name rule.
std::string unknownParameter(std::string_view address, std::span<const port::ParamInfo> params)
{
    std::vector<std::string_view> addresses;
    addresses.reserve(params.size());
    for (const auto& p : params)
        addresses.emplace_back(p.address);
    const auto near = closestMatch(address, addresses);
    return near ? fmt::format("unknown parameter '{}' (did you mean '{}'?)", address, *near)
                : fmt::format("unknown parameter '{}'", address);
}

} // namespace

Result<void> checkScenes(const session::SessionSpec& spec, std::span<const port::ParamInfo> params)
{
    std::unordered_map<std::string_view, const port::ParamInfo*> byAddress;
    for (const auto& p : params)
        byAddress.emplace(p.address, &p);
    for (const auto& scene : spec.scenes) {
        for (const auto& value : scene.values) {
            const auto it = byAddress.find(value.address);
            if (it == byAddress.end())
                return value.where.error(
                    fmt::format("scene '{}' sets {}", scene.name, unknownParameter(value.address, params)));
            if (it->second->kind == port::ParamKind::Trigger)
                return value.where.error(fmt::format(
                    "scene '{}' sets '{}', a trigger: a scene holds values, not presses", scene.name, value.address));
            if (auto checked = port::checkValue(*it->second, value.address, value.value); !checked)
                return value.where.error(fmt::format("scene '{}': {}", scene.name, checked.error().message));
        }
    }
    for (const auto& safe : spec.safe) {
        auto glob = parseGlob(safe.glob);
        if (!glob)
            return safe.where.error(fmt::format("in 'safe': {}", glob.error().message));
        if (std::none_of(params.begin(), params.end(), [&](const auto& p) { return globMatches(*glob, p.address); }))
            return safe.where.error(fmt::format("in 'safe': '{}' matches no parameter", safe.glob));
    }
    return {};
}

} // namespace backline::show
