// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/YamlReader.h"

#include <filesystem>
#include <string_view>

namespace backline::session {

/// `text` as a path: relative ones resolve against `folder` (the session file's folder);
/// the result is absolute and lexically normal (symlinks are left as written).
std::filesystem::path resolvePath(const std::filesystem::path& folder, std::string_view text);

/// Reads an entry naming a file that must exist, e.g. `dsp: synth.dsp`; `what` names it in
/// messages ("dsp file"). Yields the resolved absolute path.
Result<std::filesystem::path> readExistingFile(
    const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, std::string_view what);

} // namespace backline::session
