// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

#include <filesystem>
#include <vector>

/// Internal to the session library: the `tracks:` list ([control]).
namespace backline::session {

/// Reads the `tracks:` entry into tracks: each track's shared keys (ChannelReader) and its own
/// (channels, inputs, input_file, strip, sends, output). Relative files resolve against folder.
Result<void> readTracks(
    const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, std::vector<TrackSpec>& tracks);

} // namespace backline::session
