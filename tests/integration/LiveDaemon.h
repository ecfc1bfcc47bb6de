// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Harness.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

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
    explicit LiveDaemon(const std::string& yaml = toneSessionYaml)
        : osc_port(freeUdpPort())
    {
        session = dir.write("session.yaml", yaml);
        process = std::make_unique<Process>(
            std::vector<std::string> {backlinedPath().string(), "--session", session.string(), "--jack-server",
                jack.name(), "--osc-port", std::to_string(osc_port), "--cache-dir", (dir.path() / "cache").string()},
            dir.path() / "backlined.log");
        osc = std::make_unique<OscClient>(osc_port);
        if (!osc->waitForPong(std::chrono::seconds(20)))
            throw std::runtime_error("backlined did not answer /ping:\n" + process->output());
    }

    JackServer jack;
    TempDir dir;
    int osc_port;
    std::filesystem::path session;
    std::unique_ptr<Process> process;
    std::unique_ptr<OscClient> osc;
};

} // namespace backline::test
