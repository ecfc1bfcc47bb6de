// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Nonblocking.h"
#include "core/Result.h"
#include "record/RecordSettings.h"
#include "record/RecordTypes.h"
#include "record/TakeWriter.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace backline::record {

/// Receives RecordEvents; invoked on the disk thread (see Recorder::onEvent).
using EventHandler = std::function<void(const RecordEvent&)>;

/// The disk-writer thread: every config::recordDrainPeriod it drains every source's ring
/// into the pre-roll and the open take's files, refreshes headers, rewrites take.yaml and
/// watches free space. Control threads reach it through calls that run a job on it and wait
/// for the answer, so all take state has one owner: this thread.
class DiskWriter {
public:
    /// A marker waiting for the disk thread.
    struct PendingMarker {
        std::string name;
        std::uint64_t captureFrame = 0;
        std::optional<std::uint64_t> engineFrame;
        std::string wallClock;
    };

    /// [control] Starts the thread (named `backline-disk`).
    explicit DiskWriter(RecordSettings settings);
    /// [control] Closes an open take cleanly (`ended: stopped`) and joins the thread.
    ~DiskWriter();
    DiskWriter(const DiskWriter&) = delete;
    DiskWriter& operator=(const DiskWriter&) = delete;

    /// [control] Installs new sources and settings (waits for the disk thread). Refused while
    /// recording; while suspended only the same ids and channels are accepted.
    Result<void> replaceSources(SourceList sources, RecordSettings settings);
    /// [control] Opens a take (waits for the disk thread).
    Result<TakeInfo> start(TakeWriter::StartRequest request);
    /// [control] Closes the open take (waits for the disk thread).
    Result<void> stop();
    /// [control] Closes the open segment's files; the take stays open.
    Result<void> endSegment();
    /// [control] Opens the next segment's files (closing the current one if open).
    Result<void> beginSegment();
    /// [any thread but audio] Queues a marker for the open take; never waits for the disk.
    void postMarker(PendingMarker marker);
    /// [any thread, audio included] Counts one xrun.
    void noteXrun() noexcept BACKLINE_NONBLOCKING { xruns_.fetch_add(1, std::memory_order_relaxed); } // a counter: no ordering needed

    /// [any] The snapshot published after the last drain.
    RecorderStatus status() const;
    /// [any] The current state, without copying the snapshot.
    RecorderState state() const noexcept { return state_.load(std::memory_order_acquire); } // pairs with setState()
    /// [control] Replaces the event handler (waits if an event is being delivered).
    void setEventHandler(EventHandler handler);
    /// [test] While stalled the thread drains nothing, as if the disk hung.
    void setStalledForTest(bool stalled) noexcept { stalled_.store(stalled, std::memory_order_relaxed); }

private:
    template <typename R>
    R runOnDiskThread(std::function<R()> job);
    void threadMain();
    void drainAll();
    void periodic(std::chrono::steady_clock::time_point now);
    void failTake(const std::string& error);
    void closeTake(const std::string& reason);
    void emit(RecordEvent event);
    void publishStatus();
    void setState(RecorderState s) noexcept { state_.store(s, std::memory_order_release); } // pairs with state()
    std::uint64_t maxPosition() const;

    // Owned by the disk thread.
    RecordSettings settings_;
    SourceList sources_;
    std::unique_ptr<TakeWriter> take_;
    std::uint64_t xrunsSeen_ = 0;
    std::uint64_t freeBytes_ = 0;
    bool lowSpaceReported_ = false;
    bool manifestDirty_ = false;
    std::string lastError_;
    std::chrono::steady_clock::time_point lastCheckpoint_ {};
    std::chrono::steady_clock::time_point lastManifest_ {};
    std::chrono::steady_clock::time_point lastDiskCheck_ {};

    // Shared.
    mutable std::mutex inboxMutex_; ///< guards jobs_, markers_, quit_
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    std::vector<PendingMarker> markers_;
    bool quit_ = false;
    std::atomic<std::uint64_t> xruns_ {0};
    std::atomic<bool> stalled_ {false};
    std::atomic<RecorderState> state_ {RecorderState::Idle};
    mutable std::mutex statusMutex_;
    RecorderStatus status_;
    std::mutex handlerMutex_;
    EventHandler handler_;

    std::thread thread_; ///< last: starts after everything above exists
};

} // namespace backline::record
