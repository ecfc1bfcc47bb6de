// SPDX-License-Identifier: GPL-3.0-or-later
// SongRender: `backlined --render OUT --song NAME` — one song of the session rendered offline
// through the arrangement as it plays live: cued as /setlist/goto cues it, the transport
// started, the engine run block by block until the song's end stops the transport. [main]
#pragma once

#include "core/Result.h"
#include "engine/ArrangementControl.h"
#include "engine/Engine.h"
#include "engine/OfflineRenderer.h"
#include "engine/TransportControl.h"
#include "session/SessionSpec.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backline::app {

/// A section as the render played it.
struct RenderedSection {
    std::string name;
    std::int64_t bar = 1; ///< the song's bar it began on, from 1
    double seconds = 0.0; ///< where in the file it begins
};

/// Renders one song offline on an engine whose session is installed (not yet run), reading
/// the song's length from the arrangement as it plays: nothing here counts bars ahead.
class SongRender {
public:
    SongRender(engine::Engine& engine, engine::TransportControl& transport, engine::ArrangementControl& arrangement);

    /// [main] The arrangement plays song of spec alone, cued at its start. Without seconds the
    /// render lasts to the song's end and tailSeconds more, so a song that never ends by itself
    /// (a loop, a goto back) is refused, as is a song the session lacks; with seconds, exactly
    /// that long.
    Result<void> cue(const session::SessionSpec& spec, std::string_view song, std::optional<double> seconds,
        double tailSeconds);
    /// [main] Starts the transport and renders through renderer into file (nothing left there
    /// on an error); returns the seconds rendered.
    Result<double> render(engine::OfflineRenderer& renderer, const std::filesystem::path& file);
    /// [main] The song's sections as they started and where it ended, in words for the log.
    std::string summary() const;

private:
    /// [main] The render's length as known after rendered frames (OfflineRenderer::Length).
    Result<std::uint64_t> length(std::uint64_t rendered);

    engine::Engine& engine_;
    engine::TransportControl& transport_;
    engine::ArrangementControl& arrangement_;
    session::SongSpec song_;
    int sampleRate_ = 48000;
    std::optional<std::uint64_t> fixedFrames_; // --duration
    std::uint64_t tailFrames_ = 0;
    std::uint64_t capFrames_ = 0;              // the song ends before this, or something is wrong
    std::optional<std::uint64_t> endFrame_;    // where the song stopped the transport
    std::int64_t nextBar_ = 1;                 // of the next section to start
    std::vector<RenderedSection> sections_;
};

} // namespace backline::app
