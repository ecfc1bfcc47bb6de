// SPDX-License-Identifier: GPL-3.0-or-later
// LiveState: what a show was doing, kept in a file so a restart comes back to it.
#pragma once

#include "core/Result.h"
#include "engine/GraphBuilder.h"

#include <filesystem>
#include <optional>
#include <string>

namespace backline::app {

/// The live state of a running session: every parameter's value (with what the session file
/// said for it, so a file edited meanwhile wins where it changed, as at a reload), the current
/// scene, the song and section, the tempo and meter, whether the transport rolled.
struct LiveState {
    engine::CarriedValues values;
    std::string scene; ///< the current scene; empty: none
    bool sceneDirty = false;
    double bpm = 0.0; ///< 0: not known
    int meterNum = 0;
    int meterDen = 0;
    std::string song;    ///< the song cued or playing; empty: none
    std::string section; ///< its section playing (or to be entered)
    bool rolling = false;
};

/// [any] The state as the file holds it (YAML, one line per parameter).
std::string toText(const LiveState& state, const std::string& sessionFile);
/// [control] The state a file's text holds; an error names what is wrong (a damaged file is
/// not used: the session starts from its own values).
Result<LiveState> liveStateFromText(const std::string& text, const std::string& what);

/// [main] Where the live state of session is kept: under $STATE_DIRECTORY (systemd's
/// StateDirectory=) as `<session file's name>.state`, or else next to the session as
/// `.<session file's name>.state`.
std::filesystem::path liveStatePath(const std::filesystem::path& session);

} // namespace backline::app
