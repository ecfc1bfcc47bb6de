// SPDX-License-Identifier: GPL-3.0-or-later
// One block of the engine on the audio thread: commands in, graph run, fades mixed, clock out
// (see BlockProcessor.h).
#include "engine/rt/BlockProcessor.h"

#include "core/Config.h"
#include "engine/rt/GraphRunner.h"
#include "engine/rt/MidiVoice.h"

#include <algorithm>

namespace backline::engine {

namespace {

/// [audio] Points offset at channels from frame `from` on (null stays null).
void offsetChannels(const float* const* channels, std::size_t count, std::uint32_t from, const float** offset) noexcept
    BACKLINE_NONBLOCKING
{
    for (std::size_t i = 0; i < count; ++i)
        offset[i] = channels && channels[i] ? channels[i] + from : nullptr;
}

} // namespace

BlockProcessor::BlockProcessor()
    : offsetInputs_(config::maxInputChannels, nullptr)
    , offsetOutgoingInputs_(config::maxInputChannels, nullptr)
{
    transport_.setListener(&midiClock_);
}

void BlockProcessor::apply(const Command& command) noexcept
{
    switch (command.type) {
    case Command::Type::SwapGraph:
        fade_.start(current_, command.graph, command.swap);
        current_ = command.graph;
        break;
    case Command::Type::SwapTaps:
        if (taps_)
            retirer_.retire(Event {Event::Type::TapsRetired, nullptr, taps_});
        taps_ = command.taps;
        tapsSince_.store(frame_, std::memory_order_relaxed);
        activeTaps_.store(taps_, std::memory_order_release); // publishes tapsSince_ to activeTaps()'s acquire
        break;
    case Command::Type::SetParam:
    case Command::Type::ApplyBatch:
        applyParamCommand(current_, command, frame_);
        break;
    case Command::Type::Transport:
        transport_.request(command.transport, command.atFrame, frame_); // holds a timed one itself
        break;
    case Command::Type::SwapShow:
        if (show_)
            retirer_.retire(Event {Event::Type::ShowRetired, nullptr, nullptr, show_});
        show_ = command.show;
        arrangement_.install(show_, command.keepPlace);
        break;
    case Command::Type::Arrange:
        arrangement_.request(command.arrangement);
        break;
    case Command::Type::Play:
        play(command);
        break;
    }
}

void BlockProcessor::midiIn(std::size_t input, std::uint32_t offset, const std::uint8_t* bytes, std::size_t size) noexcept
{
    if (!current_ || input >= current_->midiInputs.size())
        return;
    MidiInput& port = current_->midiInputs[input];
    Instrument* instrument = current_->tracks[port.track].instrument.get();
    if (!instrument)
        return;
    midi::MidiMessage message;
    for (std::size_t i = 0; i < size; ++i) {
        if (!port.parser.push(bytes[i], message))
            continue;
        VoiceEvent events[2];
        const std::size_t n = voiceEventsOf(message, port.channel, frame_ + offset, events);
        for (std::size_t k = 0; k < n; ++k)
            instrument->send(events[k]);
    }
}

void BlockProcessor::play(const Command& command) noexcept
{
    // For the graph it was meant for; a note for a graph since replaced has no voice to play on.
    if (!current_ || command.generation != current_->generation)
        return;
    const VoiceEvent voice {VoiceEvent::Kind(command.voiceKind), command.note, command.value, command.atFrame};
    auto& tracks = current_->tracks;
    if (command.param != Command::allTracks) {
        if (command.param < tracks.size() && tracks[command.param].instrument)
            tracks[command.param].instrument->send(voice);
        return;
    }
    for (auto& track : tracks)
        if (track.instrument)
            track.instrument->send(voice);
}

void BlockProcessor::arrange(std::uint64_t start, std::uint32_t nframes) noexcept
{
    SectionStart starts[1];
    const std::size_t count = arrangement_.plan(transport_, start, nframes, starts);
    for (std::size_t i = 0; i < count; ++i) {
        const SectionStart& section = starts[i];
        if (section.scene) {
            Command recall;
            recall.type = Command::Type::ApplyBatch;
            recall.batch = section.scene;
            recall.generation = section.scene->generation;
            recall.atFrame = section.frame;
            if (section.frame <= start) {
                applyParamCommand(current_, recall, start);
            } else if (!timed_.hold(recall)) {
                timedOverflows_.fetch_add(1, std::memory_order_relaxed); // a statistic
                applyParamCommand(current_, recall, start);
            }
        }
        Event started {Event::Type::SectionStarted};
        started.showId = show_ ? show_->id : 0;
        started.section = section.section;
        started.frame = section.frame;
        started.recalled = section.scene != nullptr;
        retirer_.retire(started);
    }
}

const Graph* BlockProcessor::beginBlock() noexcept
{
    retirer_.flush();
    midiClock_.beginBlock(frame_);
    Command command;
    while (commands_.pop(command)) {
        const bool param = command.type == Command::Type::SetParam || command.type == Command::Type::ApplyBatch;
        if (param && command.line) {
            if (!onLine_.hold(command)) {
                timedOverflows_.fetch_add(1, std::memory_order_relaxed); // a statistic
                apply(command);
            }
        } else if (!param || command.atFrame <= frame_) {
            apply(command);
        } else if (!timed_.hold(command)) {
            timedOverflows_.fetch_add(1, std::memory_order_relaxed); // a statistic
            apply(command);
        }
    }
    const bool clock = current_ && current_->sessionMidi.clockOut;
    midiClock_.configure(clock, clock && current_->sessionMidi.clockWhileStopped, transport_.position(),
        transport_.rolling(), transport_.grid());
    clockIn_.configure(current_ && current_->sessionMidi.clockIn);
    if (reannounce_.load(std::memory_order_relaxed) && reannounce_.exchange(false, std::memory_order_relaxed))
        midiClock_.reannounce(transport_.position(), transport_.rolling(), transport_.grid());
    return current_;
}

void BlockProcessor::runBlock(const float* const* inputs, std::size_t numInputs, float* const* outputs,
    std::size_t numOutputs, std::uint32_t nframes, const float* const* outgoingInputs,
    std::size_t numOutgoingInputs) noexcept
{
    blocks_.fetch_add(1, std::memory_order_relaxed); // a statistic, read without ordering
    const std::uint64_t start = frame_;
    arrange(start, nframes);
    // After the arrangement, so a recall on the bar a section starts on lands after the section's scene.
    if (const std::size_t early = onLine_.release(transport_, start, nframes, timed_, current_))
        timedOverflows_.fetch_add(early, std::memory_order_relaxed); // a statistic
    if (!current_ || nframes > current_->maxFrames) {
        fade_.cut(); // retires a fading graph: nothing can run this block
        for (std::size_t c = 0; c < numOutputs; ++c)
            if (outputs[c])
                for (std::uint32_t i = 0; i < nframes; ++i)
                    outputs[c][i] = 0.0f;
    } else {
        const TapSet* taps = taps_ && taps_->generation == current_->generation ? taps_ : nullptr;
        NodeScheduler* workers = workers_.load(std::memory_order_acquire); // pairs with useWorkers()' release
        std::uint32_t done = 0;
        Morphs& morphs = current_->morphs;
        while (done < nframes) {
            const std::uint64_t at = start + done;
            timed_.applyDue(at, current_);
            // A stretch ends at the next timed change, at the next morph's end (so it lands on
            // its frame), and while anything morphs after morphSliceFrames at most, so a morph
            // moves its zones in steps that short whatever the block size.
            std::uint64_t due = timed_.nextDue();
            if (morphs.active()) {
                due = std::min(due, at + config::morphSliceFrames);
                if (morphs.nextEnd() > at)
                    due = std::min(due, morphs.nextEnd());
            }
            const std::uint32_t end = due < start + nframes ? std::uint32_t(due - start) : nframes;
            morphs.advance(current_->slots, at, start + end);
            BlockIo io;
            io.numInputs = std::min(numInputs, offsetInputs_.size());
            offsetChannels(inputs, io.numInputs, done, offsetInputs_.data());
            float* offsetOutputs[2] = {numOutputs > 0 && outputs[0] ? outputs[0] + done : nullptr,
                numOutputs > 1 && outputs[1] ? outputs[1] + done : nullptr};
            io.inputs = offsetInputs_.data();
            io.outputs = offsetOutputs;
            io.numOutputs = std::min<std::size_t>(numOutputs, 2);
            io.taps = taps;
            io.meters = &meters_;
            io.droppedMeterEvents = &droppedMeterEvents_;
            io.workers = workers;
            io.frame = at;
            renderGraph(*current_, io, end - done);
            if (fade_.active()) {
                // Into the master's output, before it is played, recorded and metered: a take
                // that spans a reload holds the crossfade the speakers hear.
                const std::size_t k = std::min(numOutgoingInputs, offsetOutgoingInputs_.size());
                offsetChannels(outgoingInputs, k, done, offsetOutgoingInputs_.data());
                fade_.mix(offsetOutgoingInputs_.data(), k, masterOutput(*current_), end - done, workers, at);
            }
            finishGraph(*current_, io, end - done);
            done = end;
        }
    }
    stopFade_.apply(outputs, numOutputs, nframes, current_ ? current_->sampleRate : 48000);
    frame_ = start + nframes;
    clock_.publish(start, nframes, current_ ? current_->sampleRate : 48000);
    transport_.advance(start, nframes, current_ ? current_->sampleRate : 0);
}

void BlockProcessor::retireAll() noexcept
{
    retirer_.flush();
    fade_.cut();
    if (current_)
        retirer_.retire(Event {Event::Type::GraphRetired, current_, nullptr});
    current_ = nullptr;
    if (taps_)
        retirer_.retire(Event {Event::Type::TapsRetired, nullptr, taps_});
    taps_ = nullptr;
    if (show_)
        retirer_.retire(Event {Event::Type::ShowRetired, nullptr, nullptr, show_});
    show_ = nullptr;
    arrangement_.install(nullptr);
}

} // namespace backline::engine
