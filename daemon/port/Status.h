// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace backline::port {

/// Whether the transport runs.
enum class TransportState { Stopped, Rolling };

/// What the recorder does. Unavailable when the daemon has no recorder (offline, or it could
/// not start): surfaces show "no recorder" rather than a state that is not true.
enum class RecordingState { Unavailable, Idle, Recording, Suspended };

/// What the daemon reports in /status.
struct DaemonStatus {
    std::string session;
    int sampleRate = 0;
    int bufferSize = 0;
    std::uint64_t xruns = 0;
    std::uint64_t droppedCommands = 0;
    double uptimeSeconds = 0.0;
    int tracks = 0;
    int buses = 0;
    double dspLoadPercent = 0.0; ///< JACK's DSP load (jack_cpu_load), 0 offline
    TransportState transport = TransportState::Stopped;
    RecordingState recording = RecordingState::Unavailable;
};

/// "stopped" / "rolling".
const char* toString(TransportState state);
/// "unavailable" / "idle" / "recording" / "suspended".
const char* toString(RecordingState state);

} // namespace backline::port
