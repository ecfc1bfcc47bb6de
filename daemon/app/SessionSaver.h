// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/SessionHost.h"
#include "port/Listeners.h"
#include "show/SceneBook.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace backline::app {

/// Writes the running session back to YAML: on request (`/session/save`) and every
/// `autosave_seconds` when something changed. It reads the session as loaded and every
/// parameter's live value from the SessionHost (one look under the session lock), the scenes
/// and safes from the scene book, has session::writeSession edit the file's text, checks the
/// result loads, and replaces the file atomically (writeFileAtomically). A parameter listener
/// (register it with the port's listeners) keeps the dirty flag autosave looks at.
///
/// Threads: save() from any control thread (the OSC job thread); the autosave thread of its
/// own; one save at a time (saveMutex_). Never the audio thread.
class SessionSaver final : public port::ChangeListener {
public:
    /// [any] Whether something was changed since the last save over the session's own file: a
    /// value, a scene or safe, an auto-connect rule.
    bool unsaved() const;
    /// [main] What plays is what the file says (a start from the file alone): nothing unsaved.
    void markClean();
    SessionSaver(SessionHost& host, show::SceneBook& scenes, port::Listeners& listeners);
    ~SessionSaver() override;
    SessionSaver(const SessionSaver&) = delete;
    SessionSaver& operator=(const SessionSaver&) = delete;

    /// [control] Saves the session to path: empty, the file it was loaded from; relative,
    /// against that file's folder. Returns the absolute path written. Refuses (and writes
    /// nothing) when the text would not load, when the session's own file was changed on disk
    /// since it was loaded or last saved, or when the file cannot be written.
    Result<std::string> save(std::string_view path);

    /// [main] Where saves take the MIDI controllers' mappings from (current), and whom they tell
    /// once those are in the session's own file (saved); empty functions: the file's stand.
    void setMidiMap(std::function<std::vector<midi::MidiMapping>()> current,
        std::function<void(const std::vector<midi::MidiMapping>&)> saved);
    /// [main] Starts the autosave thread (it saves only while the session has
    /// `autosave_seconds`, read at each turn, so a reload can turn it on or off).
    void startAutosave();
    /// [main] Stops the autosave thread; a save under way finishes first.
    void stopAutosave();

    // The listener, on the changing thread: any set makes the session dirty.
    void paramChanged(const std::string&, float, std::int64_t) override { dirty_.store(true, std::memory_order_relaxed); }
    void paramsReset() override { dirty_.store(true, std::memory_order_relaxed); }
    void notice(const port::Notice&) override { }

private:
    Result<std::string> saveLocked(std::string_view path);
    /// The safes to write: nullopt while the scene book's are the file's.
    std::optional<std::vector<std::string>> safeToWrite(
        const session::SessionSpec& spec, const engine::CarriedValues& values) const;
    /// [autosave] Saves every autosave_seconds while dirty, until stopAutosave.
    void autosaveLoop();

    SessionHost& host_;
    show::SceneBook& scenes_;
    std::function<std::vector<midi::MidiMapping>()> midiMap_; // under saveMutex_
    std::function<void(const std::vector<midi::MidiMapping>&)> midiSaved_; // under saveMutex_
    port::Listeners& listeners_;
    std::mutex saveMutex_;          // one save at a time; guards the two below
    std::string lastWritten_;       // the text last written over the session's own file
    std::atomic<std::uint64_t> savedRevision_ {0}; // the scene book's revision at the last save (unsaved() reads it without the lock)
    std::atomic<std::uint64_t> savedRulesRevision_ {0}; // the auto-connect rules' revision at the last save
    std::atomic<bool> dirty_ {false}; // a flag alone: the save reads the state it stands for itself
    std::mutex threadMutex_;        // guards stop_, with wake_
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

} // namespace backline::app
