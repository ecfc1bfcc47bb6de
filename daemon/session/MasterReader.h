// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

#include <filesystem>

/// Internal to the session library: the `master:` map ([control]).
namespace backline::session {

/// Reads the `master:` entry into master (dsp, params, chain, gain, outputs). Relative files
/// resolve against folder.
Result<void> readMaster(
    const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, MasterSpec& master);

} // namespace backline::session
