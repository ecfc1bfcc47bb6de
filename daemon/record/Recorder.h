// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Nonblocking.h"
#include "core/Result.h"
#include "record/DiskWriter.h"
#include "record/RecordSettings.h"
#include "record/RecordTypes.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backline::record {

/// Multitrack recording: the control side of the recorder. It prepares one AudioRing per
/// source for the audio thread, and owns the disk-writer thread that drains them into a take
/// folder (one file per source, take.yaml). See daemon/record/README.md for the threading
/// contract. Control calls are serialised internally and may be made from any non-audio thread.
class Recorder {
public:
    /// [control] Validates settings and starts the disk thread.
    static Result<std::unique_ptr<Recorder>> create(RecordSettings settings);
    /// [control] Closes an open take cleanly and stops the disk thread.
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    /// [control] Replaces the settings (not during a take). New ring sizes apply at the next
    /// prepareSources(); a new pre-roll length applies at once (the pre-roll refills).
    Result<void> configure(RecordSettings settings);
    /// [control] Creates one ring per source, replacing the previous set (not during a take;
    /// between segments only the same ids and channels). Hand the rings to the audio thread,
    /// which must then write every ring in every block. The recorder keeps its own references
    /// to the previous rings until this returns; the engine drops its own off the audio thread.
    Result<std::vector<CaptureSource>> prepareSources(const std::vector<SourceSpec>& specs);
    /// [control] Opens a take named name (validated: it cannot leave the record folder),
    /// beginning with the pre-roll, and stores sessionSnapshot in take.yaml.
    Result<TakeInfo> start(std::string_view name, std::string sessionSnapshot);
    /// [control] Closes the take: every file ends at the same frame, take.yaml `complete: true`.
    Result<void> stop();
    /// [control] JACK went away: closes the open segment's files; the take stays open.
    Result<void> endSegment();
    /// [control] JACK is back: opens the next segment (`…-seg2.wav`), closing the current one
    /// if endSegment() was not called.
    Result<void> beginSegment();
    /// [any thread but audio] Adds a marker to the open take at engineFrame (the engine's
    /// sample clock, see setEngineOrigin()) or, without one, at the block the audio thread is
    /// writing now. The one marker interface: `/record/marker`, scene recalls, arrangement
    /// sections. Never waits for the disk.
    Result<void> marker(std::string_view name, std::optional<std::uint64_t> engineFrame = std::nullopt);
    /// [any] What the recorder is doing, as of the disk thread's last pass (≤ 100 ms old).
    RecorderStatus status() const;
    /// [control] Sets the function told about disk-full, dropped frames, takes closed. It is
    /// invoked on the disk thread: it must return quickly, must not throw, and must not call
    /// back into this Recorder except status() and marker() (post to your own thread instead).
    void onEvent(EventHandler handler);
    /// [main] Counts an xrun into the open take's take.yaml: Daemon::serviceRecording calls it
    /// for each xrun JACK counted since its last pass. One relaxed atomic increment, so it
    /// could as well run on any other thread, the audio one included.
    void noteXrun() noexcept BACKLINE_NONBLOCKING { writer_->noteXrun(); }
    /// [any] The engine frame at which the audio thread wrote the first frame into the
    /// current rings; lets markers and take.yaml speak the engine's clock.
    void setEngineOrigin(std::uint64_t engineFrame) noexcept;
    /// [any] A copy of the settings in force.
    RecordSettings settings() const;
    /// [test] Stalls the disk writer (it drains nothing) to provoke dropped frames.
    void setWriterStalledForTest(bool stalled) noexcept { writer_->setStalledForTest(stalled); }

private:
    explicit Recorder(RecordSettings settings);
    SourceList makeStreams(const std::vector<CaptureSource>& sources, const RecordSettings& settings) const;

    mutable std::mutex controlMutex_; ///< serialises configure/prepare/start/stop/segments
    RecordSettings settings_;
    std::vector<CaptureSource> sources_;
    mutable std::mutex clockMutex_; ///< guards clockRing_ (held for a pointer copy only)
    std::shared_ptr<AudioRing> clockRing_;
    std::atomic<bool> originKnown_ {false};
    std::atomic<std::uint64_t> origin_ {0};
    std::unique_ptr<DiskWriter> writer_;
};

} // namespace backline::record
