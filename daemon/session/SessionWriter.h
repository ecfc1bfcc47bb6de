// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "port/Param.h"
#include "session/SessionSpec.h"

#include <optional>
#include <string>
#include <vector>

/// The running session written back into its file's text (`/session/save`, autosave): the
/// user's text edited where the live state differs from it (sessions/README.md, "Saving").
namespace backline::session {

/// One parameter as it plays, and what the session file gives it.
struct LiveValue {
    std::string address;
    float value = 0.0f;
    float fileValue = 0.0f; ///< what the file loaded gives it (its value, or the default)
    bool toggle = false;    ///< 0 or 1 (written as a number, or as true/false where the key is one)
};

/// A scene as it is now.
struct LiveScene {
    std::string name;
    std::vector<port::ParamChange> values;
};

/// What the session's text is brought up to.
struct LiveSession {
    std::vector<LiveValue> values;                 ///< every parameter but the triggers
    std::vector<LiveScene> scenes;                 ///< in the order the scene book lists them
    std::optional<std::vector<std::string>> safe;  ///< nullopt: the file's `safe:` still holds
    /// The MIDI controllers' mappings as they are now; nullopt: the file's `midi.map` still holds.
    std::optional<std::vector<midi::MidiMapping>> midiMap;
    /// The auto-connect rules as they are now; nullopt: the file's `connections:` still holds.
    std::optional<std::vector<port::ConnectionRule>> connections;
};

/// What writeSession made.
struct WrittenSession {
    std::string text;
    /// A live value the file has no place for (a track routed to several buses at once).
    struct Missing {
        std::string address;
        std::string why;
    };
    /// Every live value not written; the text holds the file's word for them.
    std::vector<Missing> notWritten;
};

/// [control] spec's text (the file as loaded) with every value of live that differs from the
/// file's written where the file would hold it (a track's gain under its `gain:`, a DSP's
/// under `params:`, …), and `scenes:` and `safe:` rewritten whole when they changed.
/// Comments, key order and layout elsewhere stay as they were.
Result<WrittenSession> writeSession(const SessionSpec& spec, const LiveSession& live);

/// A number as the file holds it: the shortest text that reads back as the same float.
std::string fileNumber(float value);

} // namespace backline::session
