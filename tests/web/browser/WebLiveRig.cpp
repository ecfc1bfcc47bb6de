// SPDX-License-Identifier: GPL-3.0-or-later
// The live rig the browser tests drive (tests/web/browser/*.test.mjs): a jackd of the
// integration harness (its /dev/shm slot, its stray cleanup) and backlined on it with its web
// server on a free port, stopped and started again on command. Runs in its own process so the
// Node test shares the harness's every safeguard instead of copying them.
//
// Usage: web_live_rig SESSION.yaml BACKLINED
// Prints "ready osc=<port> web=<port> jack=<name>" once backlined answers /ping; then reads
// lines: "stop" (SIGTERM backlined, wait, print "stopped"), "start" (start it again on the same
// ports, print "ready …"), "level" (what backlined plays at its JACK ports backline:out_L/R over
// 400 ms of JACK's frames, as "level <RMS dBFS of the left channel>"), "tones F1 F2 …" (the same
// 400 ms, as "tones <RMS dBFS> <dBFS at F1 Hz> <dBFS at F2 Hz> …": which notes sound, not only
// that something does), "quit" or the end of input (stop everything, exit 0). On a failure it
// prints "error <what>" and exits 1.

#include "../../integration/Harness.h"
#include "Signal.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

using namespace backline::test;

namespace {

constexpr int sampleRate = 48000;

struct Rig {
    std::filesystem::path session;
    std::filesystem::path backlined;
    JackServer jack;
    TempDir dir;
    int oscPort = 0;
    int webPort = 0;
    std::unique_ptr<Process> daemon;
    std::unique_ptr<JackListener> listener; // made at the first "level", after backlined's ports exist

    /// Starts backlined and waits for its /ping; a port taken meanwhile is tried again elsewhere.
    void start(bool newPorts)
    {
        for (int attempt = 0;; ++attempt) {
            if (newPorts || attempt > 0) {
                oscPort = freeOscPort();
                do
                    webPort = freeOscPort();
                while (webPort == oscPort);
            }
            daemon = std::make_unique<Process>(
                std::vector<std::string> {backlined.string(), "--session", session.string(), "--jack-server", jack.name(),
                    "--osc-port", std::to_string(oscPort), "--web-port", std::to_string(webPort), "--cache-dir",
                    (dir.path() / "cache").string(),
                    // A restart comes back with the file's values, not the live state: the page
                    // must then show values other than those it had (the re-sync test).
                    "--no-live-state"},
                dir.path() / "backlined.log");
            OscClient osc(oscPort);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            while (std::chrono::steady_clock::now() < deadline && daemon->running())
                if (osc.waitForPong(std::chrono::seconds(1)))
                    return;
            const bool portTaken = !daemon->running() && daemon->output().find("in use") != std::string::npos;
            if (!portTaken || attempt == 2)
                throw std::runtime_error("backlined did not answer /ping:\n" + daemon->output());
        }
    }

    /// The left output over 400 ms of JACK's frames.
    std::vector<float> capture()
    {
        if (!listener)
            listener = std::make_unique<JackListener>(jack.name(), "backline:out_L", "backline:out_R");
        auto [left, right] = listener->capture(std::chrono::milliseconds(400));
        if (left.empty())
            throw std::runtime_error("JACK delivered no frames to the level meter");
        return std::move(left);
    }

    /// RMS of the left output over 400 ms of JACK's frames, in dBFS.
    double level() { return rmsOf(capture()); }

    static double rmsOf(const std::vector<float>& left)
    {
        double sum = 0.0;
        for (const float s : left)
            sum += double(s) * double(s);
        return 10.0 * std::log10(std::max(sum / double(left.size()), 1e-20));
    }

    void stop()
    {
        listener.reset(); // its connections go with backlined's ports

        if (daemon && daemon->running()) {
            daemon->signal(SIGTERM);
            if (!daemon->wait(std::chrono::seconds(15)))
                daemon->signal(SIGKILL);
        }
    }
};

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::cerr << "usage: web_live_rig SESSION.yaml BACKLINED\n";
        return 2;
    }
    try {
        Rig rig {argv[1], argv[2], JackServer(sampleRate, 256), {}, 0, 0, {}, {}};
        rig.start(true);
        std::cout << "ready osc=" << rig.oscPort << " web=" << rig.webPort << " jack=" << rig.jack.name() << std::endl;
        std::string line;
        while (std::getline(std::cin, line) && line != "quit") {
            if (line == "stop") {
                rig.stop();
                std::cout << "stopped" << std::endl;
            } else if (line == "start") {
                rig.start(false);
                std::cout << "ready osc=" << rig.oscPort << " web=" << rig.webPort << " jack=" << rig.jack.name()
                          << std::endl;
            } else if (line == "level") {
                char text[32];
                std::snprintf(text, sizeof text, "%.2f", rig.level());
                std::cout << "level " << text << std::endl;
            } else if (line.starts_with("tones ")) {
                const auto left = rig.capture();
                std::istringstream frequencies(line.substr(6));
                std::string answer = fmt::format("tones {:.2f}", Rig::rmsOf(left));
                for (double hz = 0.0; frequencies >> hz;)
                    answer += fmt::format(" {:.2f}", toneDbMedian(left, hz, sampleRate));
                std::cout << answer << std::endl;
            } else if (line == "log") {
                std::cout << "log " << rig.daemon->output().size() << std::endl;
                std::cerr << rig.daemon->output();
            }
        }
        rig.stop();
        if (const auto report = sanitizerReport(rig.daemon->output()); !report.empty()) {
            std::cout << "error backlined: " << report << std::endl;
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cout << "error " << e.what() << std::endl;
        return 1;
    }
}
