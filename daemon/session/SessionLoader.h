// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"

#include <filesystem>
#include <string>

namespace backline::session {

/// [control] Reads and validates a session file. Every problem — YAML syntax, unknown keys,
/// wrong types, out-of-range values, duplicate names, missing files — is an Error whose
/// message starts with `file:line:column: ` and says what was expected.
Result<SessionSpec> loadSessionFile(const std::filesystem::path& file);

/// [control] Same as loadSessionFile for text already in memory; `file` names it in messages
/// and relative paths in it resolve against file's folder.
Result<SessionSpec> loadSessionText(const std::string& text, const std::filesystem::path& file);

} // namespace backline::session
