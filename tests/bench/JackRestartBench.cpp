// SPDX-License-Identifier: GPL-3.0-or-later
// The JACK server killed and restarted under a playing backlined, N times (issue 13): how long
// from the server being back to backline's sound at its outputs again (median and worst), and
// whether threads, open files, /dev/shm mappings or resident memory grow over the cycles.
// A whole-process timing claim, so a benchmark: scripts/bench-jack-restart runs it.
// Usage: jack_restart_bench [CYCLES]   (default 100)
#include "../integration/Harness.h"
#include "../integration/PortLook.h"
#include "Signal.h"

#include <lo/lo.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

const char* sessionYaml = R"(backline: 1
name: restarts
workers: 2
tracks:
  - name: tone
    dsp: tone
    params: {freq: 1000, level: -20}
  - name: mic
    inputs: [system:capture_1]
)";
constexpr double toneRmsDb = -26.02; // -20 dBFS sine, centre pan

/// Seconds from now until backline's outputs exist, are connected and carry the tone, looking
/// every 20 ms (a capture of 50 ms each time the ports are there); a negative number after 30 s.
double secondsUntilSound(const std::string& server)
{
    const auto start = std::chrono::steady_clock::now();
    std::unique_ptr<PortLook> look;
    while (std::chrono::steady_clock::now() < start + 30s) {
        if (!look || !look->open())
            look = std::make_unique<PortLook>(server);
        if (look->open() && look->connected("backline:out_L", "system:playback_1")) {
            JackListener listener(server, "backline:out_L", "backline:out_R");
            auto [left, right] = listener.capture(50ms);
            if (!left.empty() && std::abs(rmsDb(left) - toneRmsDb) < 1.0)
                return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        std::this_thread::sleep_for(20ms);
    }
    return -1.0;
}

} // namespace

int main(int argc, char** argv)
{
    const int cycles = argc > 1 ? std::max(1, std::atoi(argv[1])) : 100;
    JackServer jack;
    TempDir dir;
    const auto session = dir.write("session.yaml", sessionYaml);
    const int oscPort = freeOscPort();
    Process daemon({backlinedPath().string(), "--session", session.string(), "--jack-server", jack.name(), "--osc-port",
                       std::to_string(oscPort), "--cache-dir", (dir.path() / "cache").string()},
        dir.path() / "backlined.log");
    if (secondsUntilSound(jack.name()) < 0) {
        std::fprintf(stderr, "backlined did not play:\n%s\n", daemon.output().c_str());
        return 1;
    }
    Holdings before;
    std::vector<double> times;
    for (int cycle = 1; cycle <= cycles; ++cycle) {
        jack.stop(cycle % 2 ? SIGKILL : SIGTERM);
        std::this_thread::sleep_for(300ms); // backlined notices and lets the client go meanwhile
        jack.restart();
        const double seconds = secondsUntilSound(jack.name());
        if (seconds < 0 || !daemon.running()) {
            std::fprintf(stderr, "cycle %d: no sound 30 s after the server came back:\n%s\n", cycle, daemon.output().c_str());
            return 1;
        }
        times.push_back(seconds);
        if (cycle == 1) // the first rejoin may allocate what the later ones reuse
            before = holdingsOf(daemon.pid());
        std::printf("cycle %3d: sound back %.3f s after the server\n", cycle, seconds);
        std::fflush(stdout);
    }
    const Holdings after = holdingsOf(daemon.pid());
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    std::printf("\n%d server restarts (killed and shut down in turn): sound back after median %.3f s, worst %.3f s "
                "(the goal: 2 s)\n",
        cycles, sorted[sorted.size() / 2], sorted.back());
    std::printf("after the first rejoin → after the last: threads %zu → %zu, open files %zu → %zu, /dev/shm mapped %zu → "
                "%zu, RSS %zu → %zu kB\n",
        before.threads, after.threads, before.files, after.files, before.sharedMemory, after.sharedMemory, before.rssKb,
        after.rssKb);
    const bool flat = after.threads == before.threads && after.files == before.files
        && after.sharedMemory == before.sharedMemory && after.rssKb < before.rssKb + 8192;
    std::printf("%s\n", flat ? "nothing grew" : "SOMETHING GREW");
    return flat && sorted.back() <= 2.0 ? 0 : 1;
}
