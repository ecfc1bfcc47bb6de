// SPDX-License-Identifier: GPL-3.0-or-later
// The instruments' half of the control port (see PlayControl.h).
#include "engine/PlayControl.h"

#include "engine/rt/MidiVoice.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace backline::engine {

void PlayControl::install(const Graph& graph)
{
    std::vector<std::pair<std::string, std::uint32_t>> instruments;
    std::vector<std::string> others;
    for (std::size_t t = 0; t < graph.tracks.size(); ++t) {
        if (graph.tracks[t].instrument)
            instruments.emplace_back(graph.tracks[t].name, std::uint32_t(t));
        else
            others.push_back(graph.tracks[t].name);
    }
    std::vector<int> channels(graph.tracks.size(), 0);
    for (const auto& input : graph.midiInputs)
        channels[input.track] = input.channel;
    std::lock_guard lock(mutex_);
    generation_ = graph.generation;
    channels_ = std::move(channels);
    instruments_ = std::move(instruments);
    others_ = std::move(others);
}

Result<std::pair<std::uint32_t, std::uint64_t>> PlayControl::find(std::string_view track) const
{
    std::lock_guard lock(mutex_);
    for (const auto& [name, index] : instruments_)
        if (name == track)
            return std::pair {index, generation_};
    for (const auto& name : others_)
        if (name == track)
            return makeError(ErrorCode::Param,
                fmt::format("track '{}' is not an instrument: give it 'voices' and a 'dsp' that plays notes", track));
    std::string names;
    for (const auto& [name, index] : instruments_)
        names += (names.empty() ? "" : ", ") + name;
    return makeError(ErrorCode::Param,
        fmt::format("no instrument track '{}' ({})", track, names.empty() ? "the session has none" : "it has: " + names));
}

Result<void> PlayControl::send(std::string_view track, const VoiceEvent& voice)
{
    auto found = find(track);
    if (!found)
        return found.error();
    if (!engine_.play(found->second, found->first, voice))
        return makeError(ErrorCode::Engine, "the engine's command queue is full; nothing played");
    return {};
}

Result<VoiceEvent> PlayControl::noteEvent(int note, double velocity, std::uint64_t atFrame)
{
    if (note < 0 || note > 127)
        return makeError(ErrorCode::Param, fmt::format("a note is 0..127 (60 is middle C), got {}", note));
    if (!std::isfinite(velocity) || velocity < 0.0 || velocity > 1.0)
        return makeError(ErrorCode::Param, fmt::format("a note's velocity is 0..1 (0 releases it), got {}", velocity));
    VoiceEvent voice;
    voice.kind = velocity > 0.0 ? VoiceEvent::Kind::NoteOn : VoiceEvent::Kind::NoteOff;
    voice.note = std::uint8_t(note);
    voice.value = float(velocity);
    voice.frame = atFrame;
    return voice;
}

Result<void> PlayControl::note(std::string_view track, int note, double velocity, std::uint64_t atFrame)
{
    auto voice = noteEvent(note, velocity, atFrame);
    if (!voice)
        return voice.error();
    return send(track, *voice);
}

Result<void> PlayControl::notes(std::span<const port::Note> notes, std::uint64_t atFrame)
{
    std::vector<Engine::Voicing> events;
    std::uint64_t generation = 0;
    for (const auto& n : notes) {
        auto found = find(n.track);
        if (!found)
            return found.error();
        auto voice = noteEvent(n.note, n.velocity, atFrame);
        if (!voice)
            return voice.error();
        if (!events.empty() && found->second != generation)
            return makeError(ErrorCode::Engine, "the session was reloaded while the notes were sent; nothing played");
        generation = found->second;
        events.push_back({found->first, *voice});
    }
    if (events.empty())
        return {};
    if (!engine_.play(generation, events))
        return makeError(ErrorCode::Engine, "the engine's command queue is full; none of the notes played");
    return {};
}

Result<void> PlayControl::midi(std::string_view track, const midi::MidiMessage& message, std::uint64_t atFrame)
{
    auto found = find(track);
    if (!found)
        return found.error();
    int channel = 0;
    {
        std::lock_guard lock(mutex_);
        if (found->first < channels_.size())
            channel = channels_[found->first];
    }
    VoiceEvent events[2];
    const std::size_t n = voiceEventsOf(message, channel, atFrame, events);
    for (std::size_t i = 0; i < n; ++i)
        if (!engine_.play(found->second, found->first, events[i]))
            return makeError(ErrorCode::Engine, "the engine's command queue is full; the MIDI message was lost");
    return {};
}

Result<void> PlayControl::check(std::string_view track) const
{
    auto found = find(track);
    if (!found)
        return found.error();
    return {};
}

Result<void> PlayControl::allNotesOff(std::string_view track, std::uint64_t atFrame)
{
    VoiceEvent voice;
    voice.kind = VoiceEvent::Kind::AllNotesOff;
    voice.frame = atFrame;
    return send(track, voice);
}

Result<void> PlayControl::panic()
{
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(mutex_);
        generation = generation_;
    }
    VoiceEvent voice;
    voice.kind = VoiceEvent::Kind::Panic;
    if (!engine_.play(generation, Command::allTracks, voice))
        return makeError(ErrorCode::Engine, "the engine's command queue is full; try /panic again");
    return {};
}

std::vector<std::string> PlayControl::instruments() const
{
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& [name, index] : instruments_)
        names.push_back(name);
    return names;
}

} // namespace backline::engine
