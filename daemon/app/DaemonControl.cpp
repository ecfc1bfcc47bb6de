// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/DaemonControl.h"

namespace backline::app {

namespace {

Error noRecorder()
{
    return Error {ErrorCode::Engine, "recording is unavailable (see the daemon's log)"};
}

port::RecordingState recordingState(port::RecorderState state)
{
    switch (state) {
    case port::RecorderState::Recording:
        return port::RecordingState::Recording;
    case port::RecorderState::Suspended:
        return port::RecordingState::Suspended;
    case port::RecorderState::Idle:
        break;
    }
    return port::RecordingState::Idle;
}

} // namespace

port::EngineClock DaemonControl::clock()
{
    const auto reading = engine_.clockReading();
    const int rate = jack_.sampleRate();
    if (reading.monotonicNs == 0 || rate <= 0)
        return {};
    return {reading.frame, reading.monotonicNs, rate, reading.exact};
}

port::DaemonStatus DaemonControl::status()
{
    const auto summary = host_.summary();
    port::DaemonStatus s;
    s.session = summary.name;
    s.sampleRate = summary.sampleRate;
    s.bufferSize = summary.bufferSize;
    s.xruns = summary.xruns;
    s.dspLoadPercent = summary.dspLoadPercent;
    s.tracks = summary.tracks;
    s.buses = summary.buses;
    s.droppedCommands = engine_.droppedCommands();
    s.transport = transport_.position().state;
    s.uptimeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (auto* recording = host_.recording())
        s.recording = recordingState(recording->status().state);
    return s;
}

Result<std::string> DaemonControl::reloadSession()
{
    if (reloadBegins_)
        reloadBegins_();
    auto name = host_.reload();
    if (name && onReloaded_)
        onReloaded_();
    if (reloadEnded_)
        reloadEnded_();
    return name;
}

Result<void> DaemonControl::recordStop()
{
    auto* recording = host_.recording();
    return recording ? recording->stop() : Result<void>(noRecorder());
}

Result<void> DaemonControl::recordMarker(std::string_view name, std::optional<std::uint64_t> engineFrame)
{
    auto* recording = host_.recording();
    return recording ? recording->marker(name, engineFrame) : Result<void>(noRecorder());
}

Result<port::RecorderStatus> DaemonControl::recordStatus()
{
    auto* recording = host_.recording();
    if (!recording)
        return noRecorder();
    return recording->status();
}

std::vector<std::string> DaemonControl::recordSources()
{
    auto* recording = host_.recording();
    return recording ? recording->sources() : std::vector<std::string> {};
}

} // namespace backline::app
