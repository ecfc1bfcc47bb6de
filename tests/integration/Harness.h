// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "jack/rt/CycleLag.h"

#include <jack/jack.h>
#include <jack/ringbuffer.h>
#include <jack/transport.h>
#include <lo/lo.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <variant>
#include <vector>

/// Real parts for black-box tests: a jackd with the dummy backend, the backlined process, an
/// OSC client over UDP and a JACK client that listens to backlined's outputs.
namespace backline::test {

/// A child process with its output captured to a file.
class Process {
public:
    /// Starts argv[0] with argv; stdout and stderr go to logFile.
    Process(std::vector<std::string> argv, std::filesystem::path logFile);
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    /// Sends sig.
    void signal(int sig);
    /// Waits up to timeout for exit; the exit code (128+signal when killed), or nullopt.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    bool running();
    /// Everything it printed so far.
    std::string output() const;
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    std::optional<int> status_;
    std::filesystem::path log_;
};

/// jackd -d dummy under a unique server name, for one test.
class JackServer {
public:
    /// Whether jackd asks for real-time scheduling (-R) for itself and its clients' audio
    /// threads. Without the rights to it jackd carries on without; see threadPolicy().
    enum class Scheduling { Normal, Realtime };
    explicit JackServer(int sampleRate = 48000, int period = 128, Scheduling scheduling = Scheduling::Normal);
    /// A jackd on another driver: driver is what follows `-d` (e.g. {"net", "-a", "127.0.0.1"}
    /// for a netjack2 slave, which takes its rate and period from its master).
    JackServer(std::vector<std::string> driver, Scheduling scheduling = Scheduling::Normal);
    ~JackServer();
    const std::string& name() const { return name_; }

    /// Stops jackd with sig and waits for it to exit: SIGKILL as if it crashed (clients are
    /// not told; they find out when its socket closes), SIGTERM for a clean shutdown. The name
    /// and the /dev/shm slot stay this server's, for restart().
    void stop(int sig);
    /// Starts jackd again under the same name and period after stop(), at sampleRate (0: the
    /// rate it had), the way the constructor does (the same start lock, the same fast failure
    /// with jackd's log).
    void restart(int sampleRate = 0);
    bool running();

private:
    /// Starts jackd and waits until it answers; throws with its log when it does not.
    void start();
    /// A flock'ed file: the share of /dev/shm this server may use (see Harness.cpp).
    struct ShmSlot {
        int fd = -1;
        ~ShmSlot();
    };
    std::string name_;
    int sampleRate_;
    int period_;
    Scheduling scheduling_;
    std::vector<std::string> driver_; ///< empty: the dummy backend at sampleRate_ and period_
    ShmSlot slot_;
    std::unique_ptr<Process> process_;
    bool leftInRegistry_ = false; ///< killed before it could take its name out of JACK's server registry
};

/// What a process holds that a lost and rejoined JACK client could leak.
struct Holdings {
    std::size_t threads = 0;
    std::size_t files = 0;
    std::size_t sharedMemory = 0; ///< distinct /dev/shm files mapped (JACK's segments)
    std::size_t rssKb = 0;
};
/// Counts them for pid from /proc (task, fd, maps, status's VmRSS).
Holdings holdingsOf(pid_t pid);

/// A unique scratch folder, removed at the end of the test.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    /// Writes text to name inside the folder and returns its path.
    std::filesystem::path write(const std::string& name, const std::string& text) const;

private:
    std::filesystem::path path_;
};

/// A received OSC message.
struct OscMessage {
    std::string address;
    std::string types;
    std::vector<std::variant<int, float, double, std::string>> args;
    float number(std::size_t i) const;
    std::string text(std::size_t i) const;
};

/// An OSC client over UDP: sends to a port on localhost and receives the replies.
class OscClient {
public:
    explicit OscClient(int targetPort);
    ~OscClient();
    void send(const std::string& address, lo_message message);
    void send(const std::string& address) { send(address, lo_message_new()); }
    void sendFloat(const std::string& address, float value);
    /// Sends the messages in one bundle to apply at once, and frees them.
    void sendBundle(const std::vector<std::pair<std::string, lo_message>>& messages);
    /// The next message to arrive within timeout (any address), or nullopt.
    std::optional<OscMessage> receive(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
    /// The first message within timeout whose address is address (others are discarded).
    std::optional<OscMessage> receiveAddress(const std::string& address,
        std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
    /// Sends address without arguments and returns the first reply (a late /pong of an earlier
    /// waitForPong is skipped, unless address is /ping).
    std::optional<OscMessage> request(const std::string& address,
        std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
    /// Retries /ping until /pong comes back or timeout.
    bool waitForPong(std::chrono::milliseconds timeout);

private:
    static int onMessage(const char* path, const char* types, lo_arg** argv, int argc, lo_message msg, void* self);
    lo_server server_;
    lo_address target_;
    std::vector<OscMessage> inbox_;
};

/// A JACK client in the test process that records what two ports play.
class JackListener {
public:
    /// Opens a client on server and connects its two inputs from the given output ports.
    JackListener(const std::string& server, const std::string& left, const std::string& right);
    ~JackListener();
    /// Discards what was captured, then captures duration's worth of JACK's frames (not of wall
    /// time: a busy machine's dummy driver runs slow, so this may take longer); returns
    /// {left, right}, each exactly that long unless JACK stalled for 10 s more than duration.
    std::pair<std::vector<float>, std::vector<float>> capture(std::chrono::milliseconds duration);
    /// Captures frames consecutive frames after skipping skip, with the server freewheeling:
    /// JACK runs every client of every cycle to the end, as fast as they go, so no xrun can
    /// drop or repeat a block. For tests about what the audio is; nothing timed by the wall
    /// clock may happen meanwhile. Freewheeling is off again when it returns.
    std::pair<std::vector<float>, std::vector<float>> captureFreewheeling(std::size_t frames, std::size_t skip = 0);

    /// A MIDI event for captureFreewheeling() to play: its bytes at frame offset of a cycle.
    struct MidiAt {
        std::uint32_t offset = 0;
        std::vector<std::uint8_t> bytes;
    };
    /// Gives this client a MIDI output connected to port `to` (e.g. "backline:keys_midi_in").
    void addMidiOutput(const std::string& to);
    /// captureFreewheeling(frames) that plays midi on the MIDI output (addMidiOutput) in the
    /// first cycle it captures, each event at its offset (within the period): whatever the
    /// order JACK runs the two clients in, the sound it makes is inside the capture.
    std::pair<std::vector<float>, std::vector<float>> captureFreewheeling(std::size_t frames, std::vector<MidiAt> midi);
    /// Waits until JACK has run n more cycles of this client (up to timeout); false if not.
    bool waitCycles(int n, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
    jack_client_t* client() const { return client_; }
    /// Frames JACK has run this client for so far (its process callback's nframes, summed).
    std::uint64_t frames() const { return framesSeen_.load(std::memory_order_relaxed); }
    /// Xruns JACK has reported to this client so far.
    std::uint64_t xruns() const { return xruns_.load(std::memory_order_relaxed); }

    /// What watchForChange() saw: the JACK frame of the first sample that moved, and the
    /// CLOCK_MONOTONIC time (ns) of the process callback that heard it.
    struct Change {
        jack_nframes_t frame = 0;
        jack_nframes_t cycleFrame = 0; ///< the first frame of the cycle that heard it
        std::int64_t transportFrame = -1; ///< JACK's transport frame of that sample (-1: JACK's transport stood)
        std::int64_t callbackNs = 0;
        std::int64_t longestGapNs = 0; ///< longest time between two callbacks while watching (a stalled clock)
    };
    /// Starts watching the left input for a sample further than threshold from reference
    /// (the level before the change); the audio thread notes the first one.
    void watchForChange(float reference, float threshold);
    /// The change seen since watchForChange(), waiting up to timeout; the watch ends either way.
    std::optional<Change> waitForChange(std::chrono::milliseconds timeout);
    /// Whether the watched change has been seen yet; the watch goes on.
    bool changeSeen() const { return changed_.load(std::memory_order_acquire); }

private:
    static int onProcess(jack_nframes_t n, void* self);
    static int onXrun(void* self);
    jack_client_t* client_ = nullptr;
    jack_port_t* ports_[2] {};
    jack_ringbuffer_t* rings_[2] {};
    std::atomic<bool> watching_ {false};
    std::atomic<float> reference_ {0.0f};
    std::atomic<float> threshold_ {0.0f};
    std::atomic<bool> changed_ {false}; // release by the audio thread after change_, acquire by the reader
    Change change_;
    std::atomic<std::uint64_t> cyclesRun_ {0};
    std::atomic<std::uint64_t> framesSeen_ {0}; // a count alone, read without ordering
    std::atomic<std::uint64_t> xruns_ {0};
    std::uint64_t framesRun_ = 0;        // audio thread only
    jack::CycleLag cycleLag_;            // audio thread only
    std::int64_t lastCallbackNs_ = 0; // audio thread only
    std::int64_t longestGapNs_ = 0;   // audio thread only; reset when watching starts

    jack_port_t* midiOut_ = nullptr;
    std::vector<MidiAt> midiToSend_; // written by the reader before capturing_, sent by the audio thread
    bool midiSent_ = true;           // audio thread while capturing_

    // captureFreewheeling(): the audio thread fills these while capturing_.
    std::atomic<bool> freewheeling_ {false}; // this client asked JACK to freewheel (turned off in the destructor)
    std::atomic<bool> capturing_ {false};    // release by the reader after the fields below
    std::vector<float> freewheelOut_[2];
    std::size_t freewheelWant_ = 0;
    std::size_t freewheelSkip_ = 0;
    std::atomic<std::size_t> freewheelGot_ {0}; // release by the audio thread after the samples
};

/// The first line of a sanitizer's report in a process's output (RealtimeSanitizer,
/// AddressSanitizer, LeakSanitizer, UBSan's "runtime error:"), or empty when there is none.
std::string sanitizerReport(const std::string& output);

/// Minor page faults taken so far by the thread of process pid whose name (comm) is name, or
/// nullopt when it has no such thread (field 10 of /proc/PID/task/TID/stat).
std::optional<long> threadMinorFaults(pid_t pid, const std::string& name);

/// The scheduling policy (SCHED_OTHER, SCHED_FIFO, …) of the thread of process pid named name,
/// or nullopt when it has no such thread (field 41 of /proc/PID/task/TID/stat).
std::optional<int> threadPolicy(pid_t pid, const std::string& name);

/// One line per thread of process pid: its name, state and the kernel function it waits in
/// (wchan), for a failure message that has to say where a process was stuck.
std::string threadStates(pid_t pid);

/// Path of the backlined binary built alongside the tests.
std::filesystem::path backlinedPath();

/// A port free for UDP and TCP on every address, outside the kernel's ephemeral range, as
/// backlined's OSC server needs it.
int freeOscPort();

} // namespace backline::test
