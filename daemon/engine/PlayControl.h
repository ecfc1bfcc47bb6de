// SPDX-License-Identifier: GPL-3.0-or-later
// PlayControl: the instruments' half of the control port — checks what a surface plays and
// sends it to the instruments of the running graph.
#pragma once

#include "engine/Engine.h"
#include "port/PlayPort.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace backline::engine {

/// The running graph's instruments as every surface plays them (port::PlayPort says what each
/// call does). Safe to call from any control thread; never from the audio thread.
class PlayControl final : public port::PlayPort {
public:
    explicit PlayControl(Engine& engine)
        : engine_(engine)
    {
    }

    /// [control] From now on notes go to graph's instruments (call it as graph is installed).
    void install(const Graph& graph);

    Result<void> note(std::string_view track, int note, double velocity, std::uint64_t atFrame = 0) override;
    Result<void> notes(std::span<const port::Note> notes, std::uint64_t atFrame = 0) override;
    Result<void> check(std::string_view track) const override;
    Result<void> midi(std::string_view track, const midi::MidiMessage& message, std::uint64_t atFrame = 0) override;
    Result<void> allNotesOff(std::string_view track, std::uint64_t atFrame = 0) override;
    Result<void> panic() override;
    std::vector<std::string> instruments() const override;

private:
    /// The index of track's instrument in the running graph, with that graph's generation.
    Result<std::pair<std::uint32_t, std::uint64_t>> find(std::string_view track) const;
    Result<void> send(std::string_view track, const VoiceEvent& voice);
    /// note checked and made a VoiceEvent at atFrame.
    static Result<VoiceEvent> noteEvent(int note, double velocity, std::uint64_t atFrame);

    Engine& engine_;
    mutable std::mutex mutex_; // guards what install() sets, against the surfaces' threads
    std::uint64_t generation_ = 0;
    std::vector<std::pair<std::string, std::uint32_t>> instruments_; ///< name, track index
    std::vector<int> channels_; ///< by track index: the MIDI channel its instrument listens on (0: all)
    std::vector<std::string> others_; ///< the tracks that are not instruments, for messages
};

} // namespace backline::engine
