// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Harness.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <vector>

namespace backline::test {

/// A tone session: one mono track "tone" (1 kHz at -20 dBFS) into the master.
inline const char* toneSessionYaml = R"(backline: 1
name: it
tracks:
  - name: tone
    dsp: tone
    params: {freq: 1000, level: -20}
)";

/// backlined running a session on its own jackd, with an OSC client pointed at it.
class LiveDaemon {
public:
    /// Starts backlined on yaml, on a jackd of its own scheduled as asked, with period frames a
    /// cycle; a non-empty launcher runs backlined through that command line first (e.g.
    /// `prlimit --fsize=N --` to give it a file-size limit).
    explicit LiveDaemon(const std::string& yaml = toneSessionYaml, std::vector<std::string> launcher = {},
        JackServer::Scheduling scheduling = JackServer::Scheduling::Normal, int period = 128)
        : jack(48000, period, scheduling)
    {
        session = dir.write("session.yaml", yaml);
        // A port found free can still be taken before backlined binds it (another test, any
        // program): then backlined says so and exits, and the next port is tried.
        for (int attempt = 0;; ++attempt) {
            osc_port = freeOscPort();
            std::vector<std::string> argv = launcher;
            for (std::string arg : {backlinedPath().string(), std::string("--session"), session.string(),
                     std::string("--jack-server"), jack.name(), std::string("--osc-port"), std::to_string(osc_port),
                     std::string("--cache-dir"), (dir.path() / "cache").string()})
                argv.push_back(std::move(arg));
            process = std::make_unique<Process>(std::move(argv), dir.path() / "backlined.log");
            osc = std::make_unique<OscClient>(osc_port);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
            while (std::chrono::steady_clock::now() < deadline && process->running())
                if (osc->waitForPong(std::chrono::seconds(1)))
                    return;
            const bool portTaken = !process->running() && process->output().find("is in use") != std::string::npos;
            if (!portTaken || attempt == 2)
                throw std::runtime_error("backlined did not answer /ping:\n" + process->output());
        }
    }

    /// Stops backlined; a sanitizer report in its output (the rtsan and asan presets build it
    /// with one) fails the test, so an allocation on the audio thread cannot pass unnoticed.
    ~LiveDaemon()
    {
        if (!process)
            return;
        if (process->running()) {
            process->signal(SIGTERM);
            process->wait(std::chrono::seconds(10));
        }
        if (const auto report = sanitizerReport(process->output()); !report.empty())
            ADD_FAILURE() << "backlined: " << report << "\n" << process->output();
    }
    /// Starts backlined on yaml, on a jackd of its own scheduled as asked.
    LiveDaemon(const std::string& yaml, JackServer::Scheduling scheduling)
        : LiveDaemon(yaml, {}, scheduling)
    {
    }
    LiveDaemon(const LiveDaemon&) = delete;
    LiveDaemon& operator=(const LiveDaemon&) = delete;

    JackServer jack;
    TempDir dir;
    int osc_port = 0;
    std::filesystem::path session;
    std::unique_ptr<Process> process;
    std::unique_ptr<OscClient> osc;
};

} // namespace backline::test
