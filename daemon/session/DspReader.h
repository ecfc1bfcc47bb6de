// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

#include <filesystem>
#include <string_view>
#include <vector>

namespace backline::session {

/// Reads a `dsp:` value: a name ending in ".dsp" is a file resolved against `folder` that must
/// exist; anything else must look like a built-in name ([a-z0-9_]+). Whether that built-in
/// exists is the graph builder's question, not the loader's.
Result<DspSpec> readDsp(const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder);

/// Reads a `params:` map of Faust paths relative to the DSP ("cutoff", "env/attack") to
/// finite numbers. `owner` names where it sits in messages, e.g. "track 'pad'".
Result<std::vector<DspParamSpec>> readDspParams(const YamlReader& yaml, const YamlEntry& entry, std::string_view owner);

} // namespace backline::session
