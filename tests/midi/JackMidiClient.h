// SPDX-License-Identifier: GPL-3.0-or-later
// JackMidiClient: a JACK client of a test's own, through plain libjack, that plays MIDI into
// one output port and keeps what comes into one input port. Its process callback runs on
// JACK's thread; everything else on the test's.
#pragma once

#include "core/SpscQueue.h"

#include <jack/jack.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace backline::test {

/// Bytes of one MIDI event.
using Bytes = std::vector<std::uint8_t>;

/// A JACK client with at most one MIDI output (it plays one queued event a cycle into it) and
/// one MIDI input (it keeps every event that comes in).
class JackMidiClient {
public:
    /// Opens and activates a client of exactly this name on server; throws when it cannot.
    JackMidiClient(const std::string& server, const std::string& name);
    ~JackMidiClient();
    JackMidiClient(const JackMidiClient&) = delete;
    JackMidiClient& operator=(const JackMidiClient&) = delete;

    /// Registers the output port; its full name.
    std::string addOutput(const std::string& port);
    /// Unregisters the output port once everything queued has gone out and the process
    /// callback cannot be using it. Its buffer is cleared every cycle until then: JACK keeps an
    /// output's buffer from cycle to cycle, and a port left unwritten would play its last event
    /// again.
    void removeOutput();
    /// Registers the input port; its full name.
    std::string addInput(const std::string& port);
    /// Queues bytes to go out as one JACK MIDI event, one event a cycle (no bytes: a cycle
    /// with none); false when the queue is full.
    bool play(const Bytes& bytes);
    /// Whether everything queued has gone out.
    bool played() const { return toPlay_.sizeApprox() == 0; }
    /// Every event heard so far, each as its bytes.
    std::vector<Bytes> heard();
    /// An event heard, with the frame it came on: this client's frames, counted cycle by cycle
    /// from its first (a skipped cycle is not counted: compare frames only while freewheeling).
    struct Timed {
        std::uint64_t frame = 0;
        Bytes bytes;
    };
    /// Every event heard so far, with its frame.
    std::vector<Timed> heardTimed();
    /// Events heard that were lost because the test did not read them in time.
    std::uint64_t overflows() const { return overflows_.load(std::memory_order_relaxed); }
    /// Connects two ports by their full names; false when JACK refuses.
    bool connect(const std::string& from, const std::string& to);
    /// Waits until JACK has run n more cycles of this client; false if it has not within the
    /// tests' default wait.
    bool waitCycles(int n);
    /// Makes the server freewheel (throws when JACK refuses), or stop freewheeling (never
    /// throws); returns once two cycles of this client ran in the new mode (see Freewheeling).
    /// The destructor turns it off.
    void freewheel(bool on);
    /// Waits until a connection made just now (MidiDevices opening a port) carries events:
    /// JACK takes a new graph at the start of a cycle, so what is played or sent in the cycle
    /// under way when jack_connect returned is lost. Three cycles of this client later it is in.
    bool settle() { return waitCycles(3); }

private:
    struct Event {
        std::uint8_t size = 0;
        std::uint8_t bytes[15] {};
        std::uint64_t frame = 0;
    };
    static int onProcess(jack_nframes_t frames, void* self);

    jack_client_t* client_ = nullptr;
    std::atomic<jack_port_t*> out_ {nullptr}; // release by the test thread, acquire by onProcess
    std::atomic<jack_port_t*> in_ {nullptr};  // the same
    std::atomic<std::uint64_t> cycles_ {0};   // release by onProcess, acquire by waitCycles
    bool freewheeling_ = false;               // the test thread's
    SpscQueue<Event, 1024> toPlay_;
    SpscQueue<Event, 8192> heard_;
    std::uint64_t frames_ = 0; // onProcess's: frames of the cycles run so far
    std::atomic<std::uint64_t> overflows_ {0}; // events heard that the queue had no room for
    std::vector<Timed> kept_;  // the test thread's
};

/// While it lives the server freewheels: JACK runs every client in every cycle to its end, as
/// fast as they go, so a client late on a busy machine misses no cycle, and no event (without
/// it, a client JACK skips loses the MIDI of that cycle). Nothing may register, unregister,
/// connect or disconnect a port meanwhile, MidiDevices opening or letting go of one included:
/// jackd 1.9.21 then loops for ever in its graph manager, writing "JackGraphManager::
/// Disconnect: port_src = 6 not used" to its log at full speed (seen: a 36 GB log). Declare it
/// after the MidiDevices, so it ends first.
class Freewheeling {
public:
    explicit Freewheeling(JackMidiClient& client)
        : client_(client)
    {
        client_.freewheel(true);
    }
    ~Freewheeling() { client_.freewheel(false); }
    Freewheeling(const Freewheeling&) = delete;
    Freewheeling& operator=(const Freewheeling&) = delete;

private:
    JackMidiClient& client_;
};

} // namespace backline::test
