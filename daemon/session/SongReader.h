// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

/// Internal to the session library: `songs:` and `setlist:` ([control]).
namespace backline::session {

/// Reads the `songs:` list: each song's name, tempo, meter and sections, each section by the
/// transport's rules; a bad value is an error at its position.
Result<void> readSongs(const YamlReader& yaml, const YamlEntry& entry, std::vector<SongSpec>& songs);
/// Reads the `setlist:` list of song names (checked against the songs by finishSongs()).
Result<void> readSetlist(const YamlReader& yaml, const YamlEntry& entry, std::vector<SetlistEntry>& setlist);
/// Once every key is read: every scene a section names must be one of the session's scenes, a
/// session without a setlist plays its songs in file order, and every name a setlist gives
/// must be a song.
Result<void> finishSongs(SessionSpec& session);

} // namespace backline::session
