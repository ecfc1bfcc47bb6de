// SPDX-License-Identifier: GPL-3.0-or-later
// MidiInbox: one hardware input's path from RtMidi's callback (any thread, JACK's real-time
// one included) to the midi-in thread: a bounded SPSC queue of raw bytes and the parser that
// makes whole messages of them.
#pragma once

#include "control/midi/InputWake.h"
#include "core/Config.h"
#include "core/Nonblocking.h"
#include "core/SpscQueue.h"
#include "midi/MidiMessage.h"
#include "midi/MidiParser.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

namespace backline::control::midi {

/// Counts shared by every input of one MidiDevices; relaxed atomics, read only for /status.
struct InputCounters {
    std::atomic<std::uint64_t> received {0};   ///< whole messages handed to the sink [midi-in]
    std::atomic<std::uint64_t> dropped {0};    ///< RtMidi messages lost to a full queue [RtMidi]
    std::atomic<std::uint64_t> parseDrops {0}; ///< bytes the parsers dropped, and SysEx cut short [midi-in]
};

/// Up to seven raw bytes of one RtMidi message and when it arrived: the queue's item. A
/// message longer than seven bytes (running status, a JACK event holding several) takes
/// several, all stamped alike.
struct RawChunk {
    std::int64_t monotonicNs = 0;
    std::uint8_t size = 0;
    std::uint8_t bytes[7] {};
};
static_assert(std::is_trivially_copyable_v<RawChunk> && sizeof(RawChunk) == 16, "a queue item is 16 plain bytes");

/// One open input's queue and parser. RtMidi's callback pushes (the only producer); the
/// midi-in thread drains (the only consumer). Shared-owned by the port (DeviceInput) and the
/// midi-in thread, so it outlives both RtMidi's callback and the drain that may still hold it.
class MidiInbox {
public:
    /// [control] An inbox for the port portId, portName; counters and wake outlive it.
    MidiInbox(std::uint32_t portId, std::string portName, InputCounters& counters, InputWake& wake);

    /// [RtMidi] The RtMidiIn callback (user data: the inbox). Runs on RtMidi's thread: under
    /// JACK its process callback, where waiting would stall the whole JACK graph. So it only
    /// stamps the time, copies the bytes into the queue (a full queue counts a drop) and wakes
    /// the midi-in thread: no allocation, lock, log, exception or wait.
    static void onMessage(double deltaSeconds, std::vector<unsigned char>* message, void* self) noexcept
        BACKLINE_NONBLOCKING;

    /// [midi-in] Parses everything queued, calling deliver(const MidiMessage&, std::int64_t
    /// monotonicNs) for each whole message in arrival order; returns how many it delivered.
    template <class F>
    std::uint64_t drain(F&& deliver);

    std::uint32_t portId() const noexcept { return portId_; }
    const std::string& portName() const noexcept { return portName_; }

private:
    /// [RtMidi] Queues n bytes stamped nowNs; false when the queue had no room for them all.
    bool push(const unsigned char* bytes, std::size_t n, std::int64_t nowNs) noexcept BACKLINE_NONBLOCKING;

    const std::uint32_t portId_;
    const std::string portName_;
    InputCounters& counters_;
    InputWake& wake_;
    SpscQueue<RawChunk, config::midiInputQueueChunks> queue_;
    backline::midi::MidiParser parser_; ///< midi-in thread only
    std::uint64_t parseDropsSeen_ = 0; ///< midi-in thread only: parser drops already counted
};

template <class F>
std::uint64_t MidiInbox::drain(F&& deliver)
{
    std::uint64_t delivered = 0;
    RawChunk chunk;
    backline::midi::MidiMessage message;
    while (queue_.pop(chunk)) {
        for (std::uint8_t i = 0; i < chunk.size; ++i) {
            if (parser_.push(chunk.bytes[i], message)) {
                deliver(static_cast<const backline::midi::MidiMessage&>(message), chunk.monotonicNs);
                ++delivered;
            }
        }
    }
    const std::uint64_t drops = parser_.droppedBytes() + parser_.truncatedSysex();
    if (drops != parseDropsSeen_) {
        counters_.parseDrops.fetch_add(drops - parseDropsSeen_, std::memory_order_relaxed); // a count alone
        parseDropsSeen_ = drops;
    }
    return delivered;
}

} // namespace backline::control::midi
