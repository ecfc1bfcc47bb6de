// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "../integration/Harness.h"
#include "RawOscClient.h"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace backline::test {

/// backlined on a jackd of its own (dummy backend, 48 kHz, 128-frame periods) for the
/// whole-process benchmarks; `tracks` is the session's `tracks:` list, its OSC port is chosen
/// free.
struct BenchDaemon {
    static constexpr int sampleRate = 48000;
    static constexpr int period = 128;

    BenchDaemon(const std::string& tracks, JackServer::Scheduling scheduling)
        : jack(sampleRate, period, scheduling)
        , port(freeOscPort())
        , process({backlinedPath().string(), "--session",
                      dir.write("bench.yaml",
                             "backline: 1\nname: bench\nosc: {port: " + std::to_string(port) + "}\ntracks:\n" + tracks)
                          .string(),
                      "--jack-server", jack.name(), "--cache-dir", (dir.path() / "cache").string()},
              dir.path() / "backlined.log")
    {
        RawOscClient probe(RawOscClient::Kind::Udp, port);
        for (int i = 0; i < 100; ++i)
            if (probe.request("/ping", std::chrono::milliseconds(200)))
                return;
        throw std::runtime_error("backlined did not answer:\n" + process.output());
    }

    JackServer jack;
    TempDir dir;
    int port;
    Process process;
};

/// One mono DC track (tests/data/faust/dc_level.dsp) at level 0, named dc.
inline std::string dcTrack()
{
    return "  - name: dc\n    dsp: " + std::string(BACKLINE_TEST_DATA_DIR) + "/faust/dc_level.dsp\n    params: {level: 0}\n";
}

} // namespace backline::test
