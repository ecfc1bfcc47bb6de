// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/Timetag.h"
#include "core/Result.h"
#include "engine/ParamControl.h"
#include "meter/MeterBank.h"
#include "record/RecordTypes.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace backline::control {

/// Whether the transport runs. There is no transport yet: always Stopped.
enum class TransportState { Stopped, Rolling };

/// What the recorder does. Unavailable until the daemon has a recorder (daemon/record) that
/// fills it; surfaces show "no recorder" rather than a state that is not true.
enum class RecordingState { Unavailable, Idle, Recording };

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

/// A parameter change of a batch: address and value.
using ParamChangeRequest = std::pair<std::string, double>;

/// What control surfaces may ask of the daemon. Implemented by the daemon, called from the OSC
/// server's threads (and later MIDI and web); implementations are thread-safe.
class ControlTarget {
public:
    virtual ~ControlTarget() = default;
    /// [control] Validates and applies a parameter value; returns the value applied.
    virtual Result<float> setParam(std::string_view address, double value) = 0;
    /// [control] Validates every change and applies all or none, together in one audio block,
    /// at engine frame atFrame (0: the next block). The error names the first bad change.
    virtual Result<void> setParams(std::span<const ParamChangeRequest> changes, std::uint64_t atFrame)
    {
        (void)changes;
        (void)atFrame;
        return makeError(ErrorCode::Engine, "this target cannot apply bundles");
    }
    /// [control] A parameter's description and current value.
    virtual Result<engine::ParamState> getParam(std::string_view address) = 0;
    /// [control] Every parameter with its value.
    virtual std::vector<engine::ParamState> params() = 0;
    /// [control] Reloads the session file; on failure the running graph is untouched. May take
    /// seconds (Faust compiles): the OSC server calls it off its own thread.
    virtual Result<void> reloadSession() = 0;
    /// [control] A snapshot of the daemon's state.
    virtual DaemonStatus status() = 0;
    /// [control] Every meter's level and the master's loudness.
    virtual meter::MeterSnapshot meters() { return {}; }
    /// [control] Restarts integrated loudness, loudness range and true peak.
    virtual void resetLoudness() { }
    /// [any] The engine's sample clock, to turn OSC timetags into engine frames.
    virtual EngineClock engineClock() { return {}; }
    /// [control] Tells listener of every parameter change, whoever made it (kept until removed).
    virtual void addParamListener(engine::ParamListener* listener) { (void)listener; }
    /// [control] Stops telling listener.
    virtual void removeParamListener(engine::ParamListener* listener) { (void)listener; }

    /// [control] Opens a take (name may be empty); returns its folder.
    virtual Result<std::string> recordStart(std::string_view name)
    {
        (void)name;
        return makeError(ErrorCode::Engine, "this daemon has no recorder");
    }
    /// [control] Closes the open take (may take a second: files are synced).
    virtual Result<void> recordStop() { return makeError(ErrorCode::Engine, "this daemon has no recorder"); }
    /// [control] Adds a marker to the open take.
    virtual Result<void> recordMarker(std::string_view name)
    {
        (void)name;
        return makeError(ErrorCode::Engine, "this daemon has no recorder");
    }
    /// [control] What the recorder is doing.
    virtual Result<record::RecorderStatus> recordStatus() { return makeError(ErrorCode::Engine, "this daemon has no recorder"); }
    /// [control] Chooses the record sources (between takes).
    virtual Result<void> setRecordSources(std::vector<std::string> ids)
    {
        (void)ids;
        return makeError(ErrorCode::Engine, "this daemon has no recorder");
    }
    /// [control] The chosen record sources.
    virtual std::vector<std::string> recordSources() { return {}; }
};

/// "stopped" / "rolling".
const char* toString(TransportState state);
/// "unavailable" / "idle" / "recording".
const char* toString(RecordingState state);

} // namespace backline::control
