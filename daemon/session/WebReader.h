// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

#include <filesystem>

/// Internal to the session library: the `web:` map ([control]).
namespace backline::session {

/// Reads the `web:` entry into web (port, pin, pin_file; the PIN file is read now, relative to folder).
Result<void> readWeb(const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, WebSpec& web);

} // namespace backline::session
