// SPDX-License-Identifier: GPL-3.0-or-later
// Past one machine (issue 13): a stage box and front of house joined by JACK's netjack2, both
// on 127.0.0.1 inside the test. FOH's jackd runs the sound card (here the dummy backend) and
// netmanager; the stage box's jackd runs `-d net`, its system ports are the network's. One
// backlined on each: FOH plays a tone to the stage box, the stage box's backlined takes it in
// on an input track and sends its mix back, and FOH measures what came back.
#include "LiveDaemon.h"
#include "PortLook.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// A backlined on server playing yaml (written to dir), answering /ping.
std::unique_ptr<Process> startBacklined(const TempDir& dir, const std::string& name, const std::string& yaml,
    const std::string& server, int oscPort)
{
    const auto session = dir.write(name + ".yaml", yaml);
    auto process = std::make_unique<Process>(
        std::vector<std::string> {backlinedPath().string(), "--session", session.string(), "--jack-server", server,
            "--osc-port", std::to_string(oscPort), "--client-name", name, "--cache-dir", (dir.path() / "cache").string(),
            "--no-live-state"},
        dir.path() / (name + ".log"));
    OscClient osc(oscPort);
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline && process->running())
        if (osc.waitForPong(1s))
            return process;
    throw std::runtime_error(name + " did not answer /ping:\n" + process->output());
}

} // namespace

TEST(NetJack, AStageBoxOverNetjack2CarriesTheSoundBothWays)
{
    JackServer foh(48000, 256);
    const int netPort = freeOscPort();
    Process load({"jack_load", "-s", foh.name(), "netmanager", "-i", "-a 127.0.0.1 -p " + std::to_string(netPort)},
        std::filesystem::temp_directory_path() / (foh.name() + ".netmanager.log"));
    ASSERT_EQ(load.wait(20s), 0) << load.output();
    // The slave takes the master's rate and period; -C/-P: two channels each way.
    JackServer stage({"net", "-a", "127.0.0.1", "-p", std::to_string(netPort), "-n", "stagebox", "-C", "2", "-P", "2"});
    {
        PortLook look(foh.name());
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (!look.exists("stagebox:from_slave_1") && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(100ms);
        ASSERT_TRUE(look.exists("stagebox:from_slave_1")) << "netmanager did not take the stage box in";
    }

    TempDir dir;
    // FOH: a -20 dBFS tone out to the stage box (its master on the network's inputs).
    auto fohDaemon = startBacklined(dir, "foh", R"(backline: 1
name: foh
tracks:
  - name: tone
    dsp: tone
    params: {freq: 1000, level: -20}
master:
  outputs: [stagebox:to_slave_1, stagebox:to_slave_2]
)", foh.name(), freeOscPort());
    // The stage box: what arrives on its first capture port (FOH's left) on a mono input
    // track, its mix back out on its playback ports (to FOH).
    auto stageDaemon = startBacklined(dir, "stage", R"(backline: 1
name: stage
tracks:
  - name: fromfoh
    inputs: [system:capture_1]
master:
  outputs: [system:playback_1, system:playback_2]
)", stage.name(), freeOscPort());

    // FOH's tone: -26.02 dB RMS a side; at the stage box's input track, panned centre: -29.03.
    JackListener listener(foh.name(), "stagebox:from_slave_1", "stagebox:from_slave_2");
    double level = -400.0;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto [left, right] = listener.capture(500ms);
        if (left.size() < 12000)
            continue;
        level = rmsDb(std::span<const float>(left).subspan(left.size() / 2));
        if (std::abs(level - (-29.03)) < 0.1)
            break;
    }
    EXPECT_NEAR(level, -29.03, 0.1) << "foh:\n" << fohDaemon->output() << "\nstage:\n" << stageDaemon->output();
}
