// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

#include <filesystem>

/// Internal to the session library: the `record:` map ([control]).
namespace backline::session {

/// Reads the `record:` entry into record, by the recorder's own rules (core/RecordFormat.h);
/// a relative `folder` resolves against folder. Sources are read as written: whether they name
/// a track or bus is SessionValidator's question.
Result<void> readRecord(
    const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, RecordSpec& record);

} // namespace backline::session
