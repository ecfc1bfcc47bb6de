// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "port/ArrangementPort.h"
#include "port/ConnectionRule.h"
#include "port/EngineClock.h"
#include "port/Listeners.h"
#include "port/Meters.h"
#include "port/MidiPort.h"
#include "port/Param.h"
#include "port/PlayPort.h"
#include "port/ParamPort.h"
#include "port/Recording.h"
#include "port/ScenePort.h"
#include "port/Status.h"
#include "port/TransportPort.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace backline::port {

/// The one way in for every surface — OSC, MIDI, the web; scenes and NSM next: the
/// parameters, the daemon's state, change notifications, and the slow requests (reload,
/// record). Implemented by the daemon (app::DaemonControl); speaks backline's own types only.
/// Thread-safe: surfaces call it from their own threads, never from the audio thread. The slow
/// requests may take seconds (a Faust compile, a file sync): call them off a thread that must
/// stay responsive.
class ControlPort {
public:
    virtual ~ControlPort() = default;

    /// The running session's parameters.
    virtual ParamPort& params() = 0;
    /// Tells listener of every change and notice until removed (see Listeners).
    virtual void addListener(ChangeListener* listener) = 0;
    /// Stops telling listener; once this returns it is not called again.
    virtual void removeListener(ChangeListener* listener) = 0;
    /// The engine's sample clock, to turn a time into an engine frame.
    virtual EngineClock clock() = 0;
    /// The transport: play, stop, locate, tempo, meter, and the grid of beats and bars.
    virtual TransportPort& transport() = 0;
    /// The scenes: store, recall (at once or on the beat or bar), undo, blind edits, safes.
    virtual ScenePort& scenes() = 0;
    /// The songs: cue one from the setlist, jump between sections, hold one in a loop.
    virtual ArrangementPort& arrangement() = 0;
    /// The instruments: notes, all notes off, panic.
    virtual PlayPort& play() = 0;
    /// The MIDI controllers' mappings: learn, map, unmap, and the devices' status.
    virtual MidiPort& midi() = 0;

    /// A snapshot of the daemon's state. Never waits for a reload in progress.
    virtual DaemonStatus status() = 0;
    /// Every meter's level and the master's loudness.
    virtual MeterSnapshot meters() = 0;
    /// Restarts integrated loudness, loudness range and true peak.
    virtual void resetLoudness() = 0;

    /// [slow] Reloads the session file and returns the name of the session now playing; on
    /// failure the running graph plays on untouched.
    virtual Result<std::string> reloadSession() = 0;
    /// [slow] Writes the session as it plays (live values, scenes, safes) to its file, or to
    /// path (relative: against the session file's folder); returns the absolute path written.
    /// On failure nothing is written and the file stays as it was.
    virtual Result<std::string> saveSession(std::string_view path) = 0;

    /// [slow] Opens a take (name may be empty: the session's); returns its folder.
    virtual Result<std::string> recordStart(std::string_view name) = 0;
    /// [slow] Closes the open take (its files are synced).
    virtual Result<void> recordStop() = 0;
    /// Adds a marker to the open take: at engine frame engineFrame (a timed OSC bundle's), or
    /// where the recording stands now.
    virtual Result<void> recordMarker(std::string_view name, std::optional<std::uint64_t> engineFrame = std::nullopt) = 0;
    /// What the recorder is doing.
    virtual Result<RecorderStatus> recordStatus() = 0;
    /// Chooses the record sources (between takes).
    virtual Result<void> setRecordSources(std::vector<std::string> ids) = 0;
    /// The chosen record sources.
    virtual std::vector<std::string> recordSources() = 0;

    /// [slow] The auto-connect rules in force (the session's `connections:` as edited live),
    /// each with the connections it holds on JACK now.
    virtual std::vector<ConnectionState> connections() = 0;
    /// [slow] Adds an auto-connect rule and carries it out now (and whenever a port it names
    /// appears); the connections it made. Refused: a bad pattern, a rule already there.
    virtual Result<std::size_t> addConnection(const ConnectionRule& rule) = 0;
    /// [slow] Removes an auto-connect rule; the connections it made stay.
    virtual Result<void> removeConnection(const ConnectionRule& rule) = 0;
};

} // namespace backline::port
