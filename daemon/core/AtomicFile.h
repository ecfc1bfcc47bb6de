// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <filesystem>
#include <functional>
#include <string_view>

namespace backline {

/// [control, disk] Replaces file with text so that a crash or power cut at any moment leaves
/// either the old file or the new one whole, never a mix: text goes to a temporary file in the
/// same folder (`.<name>.saving-XXXXXX`), which is synced, renamed over file, and the folder is
/// synced. beforeRename, when given, runs after the temporary file is synced and before the
/// rename (a test's pause point). On failure file is untouched and the temporary file removed;
/// the error names file and says why. A symbolic link is written through (the file it names
/// is replaced; the link stays).
Result<void> writeFileAtomically(
    const std::filesystem::path& file, std::string_view text, const std::function<void()>& beforeRename = {});

} // namespace backline
