// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

#include <vector>

/// Internal to the session library: the show's keys `scenes:`, `safe:` and `scene_recall:`
/// ([control]). Addresses and values are checked against the parameters once the graph is
/// built (show::checkScenes); here, their form.
namespace backline::session {

/// `scenes:` — a map of scene name → map of address → number, in the file's order.
Result<void> readScenes(const YamlReader& yaml, const YamlEntry& entry, std::vector<SceneSpec>& scenes);
/// `safe:` — a list of addresses, globs or track names.
Result<void> readSafe(const YamlReader& yaml, const YamlEntry& entry, std::vector<SafeSpec>& safe);
/// `scene_recall:` — `{when: now|beat|bar, fade: seconds}`.
Result<void> readSceneRecall(const YamlReader& yaml, const YamlEntry& entry, SceneRecallSpec& recall);

} // namespace backline::session
