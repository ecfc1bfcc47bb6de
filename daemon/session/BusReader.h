// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

#include <filesystem>
#include <vector>

/// Internal to the session library: the `buses:` list ([control]).
namespace backline::session {

/// Reads the `buses:` entry into buses: each bus's shared keys (ChannelReader) and its own
/// (kind, solo_safe). Relative files resolve against folder.
Result<void> readBuses(
    const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, std::vector<BusSpec>& buses);

} // namespace backline::session
