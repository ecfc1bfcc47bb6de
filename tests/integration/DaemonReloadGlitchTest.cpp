// SPDX-License-Identifier: GPL-3.0-or-later
// Reloads while the audio plays must not cost the show (issue 16 fault 2): no page fault on the
// audio thread (the cause of the xruns it made), the sound played on throughout.
#include "LiveDaemon.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <sched.h>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// A tone at a frequency whose period is no whole number of frames, and a noise-driven drone
/// through a reverb: no two blocks of its output are the same unless a block is repeated. The
/// 600 s pre-roll (230 MB) makes the daemon as large as issue 16 measured it (~400 MB), which
/// is what made a fork of it stall the audio thread for longer than a period.
const std::string goodSession = R"(backline: 1
name: glitch
tracks:
  - name: tone
    dsp: tone
    params: {freq: 997, level: -20}
  - name: drone
    channels: 2
    dsp: drone
    gain: -12
    sends:
      - {bus: verb, level: -10}
buses:
  - name: verb
    dsp: reverb
record:
  folder: takes
  min_free_mb: 0
  preroll_seconds: 600
  sources: [master]
)";

/// Passes the loader's precheck, so it reaches the trial parse (and yaml-cpp refuses it).
const std::string brokenSession = "backline: 1\nname: broken\ntracks: [1, 2\n";

/// The daemon's xrun count from /status (-1 without an answer); drains the rest of the bundle.
int xruns(OscClient& osc)
{
    osc.send("/status");
    int count = -1;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (count < 0 && std::chrono::steady_clock::now() < deadline)
        if (auto m = osc.receive(500ms); m && m->address == "/status")
            count = int(m->number(3));
    while (osc.receive(0ms)) {
    }
    return count;
}

/// Blocks of period frames equal to the one before them, bit for bit: a period the listener
/// heard twice because backlined did not deliver a new one in time.
int repeatedBlocks(const std::vector<float>& samples, std::size_t period)
{
    int repeats = 0;
    for (std::size_t at = period; at + period <= samples.size(); at += period)
        if (std::memcmp(&samples[at], &samples[at - period], period * sizeof(float)) == 0)
            ++repeats;
    return repeats;
}

/// Resident memory of process pid in MB (VmRSS).
long residentMb(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6)) / 1024;
    return -1;
}

/// What one window measured.
struct Window {
    long audioFaults = 0; ///< minor page faults of the audio thread
    int xruns = 0;
    int repeats = 0;
    std::size_t frames = 0; ///< captured by the listener
};

} // namespace

// 20 reloads while playing (good and broken files, by /session/reload and by SIGHUP), each in a
// window of its own, interleaved with as many windows without a reload. jackd is asked for
// real-time scheduling, as on stage. What it proves, and what not:
// - The audio thread takes no page fault from a reload (at most 1 per 4 reloads, for pages a new
//   graph may bring): that is the cause of issue 16's xruns measured directly. A fork of the
//   daemon (the trial parse before the fix) leaves every page the audio thread writes
//   copy-on-write, hundreds of faults a reload (7,412 over these 20 when it was put back),
//   each a wait in the kernel, the first behind the fork's page-table copy. Page faults do not
//   depend on the machine's load or on scheduling, so this holds on a loaded machine and fails
//   without the fix on any machine.
// - Xruns are reported, not judged: they are a timing claim, and even with real-time
//   scheduling a virtual machine's audio thread is not guaranteed its time (a stressed CI run
//   saw 14 in the reload windows against 0 in the control windows with no page fault at all,
//   while LLVM compiles ran beside it). With the fork put back, this daemon got 128 and 188
//   xruns over the 20 reloads against 0 and 2 (each fork holds the memory map while it copies
//   the page tables of ~350 MB, and the audio thread's first write waits for it); without it,
//   0 against 0, and 5 against 9 under stress-ng --cpu 2. What reloads cost in xruns on a quiet
//   machine with jackd -R is measured by scripts/bench-reload (docs/BENCHMARKS.md); the page
//   faults above are the cause, and are judged here.
// - Repeated blocks (a period the listener heard twice) are reported the same way; jackd's
//   dummy driver showed none here even with the fork.
// "0 xruns caused per reload" of the demo on a quiet machine is measured by scripts/bench-reload.
TEST(DaemonReloadGlitch, TwentyReloadsWhilePlayingCostTheAudioThreadNoPageFault)
{
    LiveDaemon d(goodSession, JackServer::Scheduling::Realtime);
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    const std::size_t period = jack_get_buffer_size(listener.client());
    const pid_t pid = d.process->pid();
    ASSERT_TRUE(threadMinorFaults(pid, "backline-audio")) << "the daemon's audio thread is not named";
    const bool realtime = threadPolicy(pid, "backline-audio") == SCHED_FIFO || threadPolicy(pid, "backline-audio") == SCHED_RR;
    ASSERT_TRUE(listener.waitCycles(188)); // settle: 500 ms of audio make the first touches of the graph's memory

    constexpr int reloads = 20;
    constexpr auto windowLength = 600ms;
    Window control, reloading;
    int goodReloads = 0;
    auto measure = [&](Window& total, auto&& during) {
        const long faults0 = *threadMinorFaults(pid, "backline-audio");
        const int xruns0 = xruns(*d.osc);
        const auto started = std::chrono::steady_clock::now();
        std::thread work(during);
        const auto samples = listener.capture(windowLength).first;
        work.join();
        // A reload longer than the window: the control window it is compared with waits as long.
        std::this_thread::sleep_for(std::max(std::chrono::steady_clock::duration(0),
            started + windowLength + 50ms - std::chrono::steady_clock::now()));
        total.audioFaults += *threadMinorFaults(pid, "backline-audio") - faults0;
        total.xruns += xruns(*d.osc) - xruns0;
        total.repeats += repeatedBlocks(samples, period);
        total.frames += samples.size(); // few on a loaded machine: the dummy driver's clock falls behind
    };

    for (int i = 0; i < reloads; ++i) {
        const bool good = i % 2 == 0;
        const bool bySighup = i % 4 >= 2;
        d.dir.write("session.yaml", good ? goodSession : brokenSession);
        measure(control, [] {});
        measure(reloading, [&] {
            if (bySighup) {
                const std::string before = d.process->output();
                const auto count = [](const std::string& log) {
                    std::size_t n = 0;
                    for (const char* what : {"reloaded session '", "reload failed"})
                        for (auto at = log.find(what); at != std::string::npos; at = log.find(what, at + 1))
                            ++n;
                    return n;
                };
                const std::size_t done = count(before);
                d.process->signal(SIGHUP);
                const auto deadline = std::chrono::steady_clock::now() + 30s;
                while (count(d.process->output()) == done && std::chrono::steady_clock::now() < deadline)
                    std::this_thread::sleep_for(10ms);
                EXPECT_GT(count(d.process->output()), done) << "SIGHUP reload " << i << " did not finish";
            } else {
                OscClient osc(d.osc_port);
                auto reply = osc.request("/session/reload", 30s);
                ASSERT_TRUE(reply) << "reload " << i;
                EXPECT_EQ(reply->address, good ? "/session/reloaded" : "/error") << "reload " << i << " " << reply->text(1);
            }
        });
        goodReloads += good;
    }
    // The last good reload really swapped the graph: the session plays on.
    d.dir.write("session.yaml", goodSession);
    ASSERT_EQ(d.osc->request("/session/reload", 30s)->address, "/session/reloaded");

    std::cout << "daemon RSS " << residentMb(pid) << " MB; audio-thread page faults: " << reloading.audioFaults << " in " << reloads << " reload windows, "
              << control.audioFaults << " in as many control windows\n"
              << "xruns: " << reloading.xruns << " / " << control.xruns << "; repeated blocks: " << reloading.repeats
              << " / " << control.repeats << " in " << reloading.frames << " / " << control.frames
              << " frames captured; audio thread " << (realtime ? "real-time" : "NOT real-time") << " (xruns and repeats are reported, not judged)"
              << "\n";
    RecordProperty("realtime", realtime ? "yes" : "no");
    RecordProperty("audio_faults_reload", int(reloading.audioFaults));
    RecordProperty("audio_faults_control", int(control.audioFaults));
    RecordProperty("xruns_reload", reloading.xruns);
    RecordProperty("xruns_control", control.xruns);
    RecordProperty("repeats_reload", reloading.repeats);
    RecordProperty("repeats_control", control.repeats);

    // The repeated-block counts mean something only if blocks were heard.
    EXPECT_GE(reloading.frames, 100 * period) << "the listener heard (almost) nothing during the reloads";
    EXPECT_GE(control.frames, 100 * period) << "the listener heard (almost) nothing during the control windows";
    // Against the control windows: under AddressSanitizer the audio thread faults in shadow
    // memory all the time (seen: 278 in the control windows, 259 in the reload windows); a
    // fork of the daemon per reload costs thousands more (7,412-9,181 seen).
    EXPECT_LE(reloading.audioFaults, control.audioFaults + reloads / 4)
        << "the audio thread took page faults at reloads (a fork?)";
    EXPECT_EQ(goodReloads, reloads / 2);
}
