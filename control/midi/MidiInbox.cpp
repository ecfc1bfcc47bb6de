// SPDX-License-Identifier: GPL-3.0-or-later
// MidiInbox: RtMidi's input callback, which may run on JACK's real-time thread.
#include "control/midi/MidiInbox.h"

#include <algorithm>
#include <ctime>
#include <utility>

namespace backline::control::midi {

namespace {

/// Chunks pushed at once: a message of up to 112 bytes reaches the queue whole or not at all.
constexpr std::size_t batchChunks = 16;

std::int64_t monotonicNow() noexcept BACKLINE_NONBLOCKING
{
    timespec ts {};
    // audited: CLOCK_MONOTONIC is read from the vDSO, no system call and no lock
    BACKLINE_AUDITED_NONBLOCKING(clock_gettime(CLOCK_MONOTONIC, &ts));
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace

MidiInbox::MidiInbox(std::uint32_t portId, std::string portName, InputCounters& counters, InputWake& wake)
    : portId_(portId)
    , portName_(std::move(portName))
    , counters_(counters)
    , wake_(wake)
{
}

void MidiInbox::onMessage(double, std::vector<unsigned char>* message, void* self) noexcept
{
    // RtMidi's own delta time is dropped: under JACK it is jack_get_time() between callbacks,
    // not a clock the rest of the daemon reads.
    if (message == nullptr || self == nullptr || message->empty())
        return;
    auto* inbox = static_cast<MidiInbox*>(self);
    if (inbox->push(message->data(), message->size(), monotonicNow()))
        inbox->wake_.notify();
    else
        inbox->counters_.dropped.fetch_add(1, std::memory_order_relaxed); // a count alone
}

bool MidiInbox::push(const unsigned char* bytes, std::size_t n, std::int64_t nowNs) noexcept
{
    RawChunk chunks[batchChunks];
    std::size_t at = 0;
    bool pushedAny = false;
    while (at < n) {
        std::size_t count = 0;
        for (; count < batchChunks && at < n; ++count) {
            RawChunk& chunk = chunks[count];
            chunk.monotonicNs = nowNs;
            chunk.size = std::uint8_t(std::min(n - at, sizeof chunk.bytes));
            std::copy_n(bytes + at, chunk.size, chunk.bytes);
            at += chunk.size;
        }
        // A longer message goes in several batches; one that does not fit ends it there. The
        // parser drops the part that came (the next status byte interrupts it), so what
        // reaches the sink stays whole.
        if (!queue_.pushBatch(chunks, count)) {
            if (pushedAny)
                wake_.notify();
            return false;
        }
        pushedAny = true;
    }
    return true;
}

} // namespace backline::control::midi
