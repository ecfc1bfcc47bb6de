// SPDX-License-Identifier: GPL-3.0-or-later
// ArrangementControl: the songs half of the control port — builds the show plan the audio
// thread's arrangement plays, checks and sends jumps, reads where the show is, and hands the
// sections the audio thread started back to the control side (values, markers, surfaces).
#pragma once

#include "engine/Engine.h"
#include "engine/ParamControl.h"
#include "engine/ShowPlanBuilder.h"
#include "port/ArrangementPort.h"
#include "session/SessionSpec.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace backline::engine {

/// A section the arrangement started, in words: for the take's marker and the surfaces.
struct SectionNews {
    std::string song;
    std::string section;
    std::string scene;         ///< recalled with it; empty: none (or a loop's later pass)
    std::uint64_t frame = 0;   ///< the engine frame of its first sample
};

/// The arrangement as every surface reaches it (port::ArrangementPort says what each call
/// does). Safe to call from any control thread; never from the audio thread.
class ArrangementControl final : public port::ArrangementPort {
public:
    ArrangementControl(Engine& engine, ParamControl& params, SceneValues scenes);

    /// [control] Plays spec's songs and setlist on the graph running now (call after each
    /// install): where the songs are the same as before, the show plays on where it is.
    Result<void> adopt(const session::SessionSpec& spec);
    /// [control] As adopt, with a setlist of song alone (an offline render of one song, which
    /// the session's setlist may leave out); an error names a song the session lacks.
    Result<void> adoptSong(const session::SessionSpec& spec, std::string_view song);
    /// [control] Rebuilds the plan with the scenes as they are now (after a store, an edit, a
    /// rename, a delete or a safe changed); the show plays on where it is.
    Result<void> refresh();
    /// [control] The sections the audio thread started since the last call: their scenes'
    /// values become the parameters' (listeners told), and tell hears of each. Call regularly.
    void poll(const std::function<void(const SectionNews&)>& tell);

    Result<std::string> cueSong(std::string_view name, port::JumpWhen when = port::JumpWhen::Bar) override;
    Result<std::string> cueSong(int place, port::JumpWhen when = port::JumpWhen::Bar) override;
    Result<std::string> nextSong(port::JumpWhen when = port::JumpWhen::Bar) override;
    Result<std::string> prevSong(port::JumpWhen when = port::JumpWhen::Bar) override;
    Result<std::string> gotoSection(std::string_view name, port::JumpWhen when = port::JumpWhen::Bar) override;
    Result<std::string> nextSection(port::JumpWhen when = port::JumpWhen::Bar) override;
    Result<std::string> prevSection(port::JumpWhen when = port::JumpWhen::Bar) override;
    Result<void> loop(bool on) override;
    port::ArrangementStatus status() const override;

private:
    /// Builds and installs the plan for spec_ (mutex_ held).
    Result<void> install(bool keepPlace);
    /// Queues the request; returns target (what the reply names) when it is queued.
    Result<std::string> send(ArrangementRequest::Op op, port::JumpWhen when, std::int32_t index, std::string target);
    /// A step to the next (+1) or previous (-1) section; returns the section it aims at.
    Result<std::string> stepSection(ArrangementRequest::Op op, port::JumpWhen when, int step);
    /// The song playing or cued now (from the audio thread's last block), or an error naming
    /// what to do first (mutex_ held).
    Result<const session::SongSpec*> songNow() const;

    Engine& engine_;
    ParamControl& params_;
    SceneValues scenes_;
    mutable std::mutex mutex_; // control threads only; guards everything below
    session::SessionSpec spec_;  // songs, setlist and transport of the session playing
    std::uint64_t planId_ = 0;
    std::uint64_t generation_ = 0; // of the graph the plan's scenes were prepared for
    /// By the plan's section index: the song's and section's index in spec_, and the values its scene recall sets.
    struct PlannedSection {
        std::size_t song = 0;
        std::size_t section = 0;
        std::vector<port::ParamChange> values;
    };
    std::vector<PlannedSection> planned_;
};

} // namespace backline::engine
