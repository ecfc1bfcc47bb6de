// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "engine/ParamControl.h"
#include "engine/ShowPlan.h"
#include "port/Param.h"
#include "session/SessionSpec.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace backline::engine {

/// The values a recall of scene gives (the recall-safe ones left out), as the show's scene
/// book has them now.
using SceneValues = std::function<Result<std::vector<port::ParamChange>>(std::string_view scene)>;

/// [control] The session's songs and setlist as the arrangement plays them, for the graph
/// params runs now: each section's scene resolved (by scenes) and checked into a batch with
/// the section's fade. A song without a tempo or meter starts at the session's transport's.
/// Fails when a scene cannot be recalled on this graph (a parameter it names is gone).
/// recalled, when given, gets the values each section's recall sets, by the plan's section
/// index (none for a section without a scene).
Result<std::unique_ptr<ShowPlan>> buildShowPlan(const session::SessionSpec& session, const SceneValues& scenes,
    const ParamControl& params, std::uint64_t id, std::vector<std::vector<port::ParamChange>>* recalled = nullptr);

/// [control] Whether two sessions' songs and setlist are the same show (only scenes or values
/// differ): the arrangement then keeps its place when the plan is replaced.
bool sameShow(const session::SessionSpec& a, const session::SessionSpec& b);

} // namespace backline::engine
