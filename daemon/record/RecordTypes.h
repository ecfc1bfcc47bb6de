// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/AudioRing.h"
#include "port/Recording.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace backline::record {

/// One thing to record: `track/<name>/input`, `track/<name>/post`, `bus/<name>`, `master`.
struct SourceSpec {
    /// Slash-separated words of `A-Z a-z 0-9 _ -`; the file name is the id with '/' → '-'.
    std::string id;
    /// Interleaved channels of the source (1 … config::recordMaxChannels).
    int channels = 1;
};

/// A prepared source: the ring the audio thread writes every block into.
struct CaptureSource {
    std::string id;
    int channels = 1;
    /// Shared with the recorder; the engine keeps its copy alive while its audio thread may
    /// still write (and drops it off the audio thread).
    std::shared_ptr<AudioRing> ring;
};

/// What start() opened.
struct TakeInfo {
    std::string name;
    /// The take folder, `<root>/<YYYY-MM-DD_HH-MM-SS>_<name>[_N]`.
    std::filesystem::path folder;
    /// One file per source, in the order of the prepared sources.
    std::vector<std::filesystem::path> files;
    /// Capture frame (the rings' clock) of the first frame in every file.
    std::uint64_t startCaptureFrame = 0;
    /// Frames of the take recorded before start() was called (from the pre-roll).
    std::uint64_t prerollFrames = 0;
    /// Wall clock of the first frame, ISO 8601 with offset.
    std::string startedAt;
};

// What the recorder is doing, and its status, cross the control port as they are
// (port/Recording.h).
using port::RecorderState;
using port::RecorderStatus;
using port::SourceStatus;

/// Something subscribers must hear, posted from the disk thread.
struct RecordEvent {
    enum class Kind {
        TakeStarted,    ///< a take's files are open (message: folder)
        SegmentStarted, ///< a new segment's files are open (frames: segment number)
        SegmentClosed,  ///< a segment's files were closed (e.g. JACK went away)
        TakeClosed,     ///< the take is complete on disk (frames: its length)
        FramesDropped,  ///< a ring overflowed: frames were lost (frames: how many, source: which)
        LowDiskSpace,   ///< free space fell below min_free_mb during a take
        WriteFailed,    ///< a write failed (disk full …): the take was closed with what was written
    };
    Kind kind;
    std::filesystem::path take;
    std::string source;
    std::string message;
    std::uint64_t frames = 0;
};

/// [any] Event kind as a word (`write_failed`), for logs and OSC.
inline const char* eventName(RecordEvent::Kind k)
{
    switch (k) {
    case RecordEvent::Kind::TakeStarted:
        return "take_started";
    case RecordEvent::Kind::SegmentStarted:
        return "segment_started";
    case RecordEvent::Kind::SegmentClosed:
        return "segment_closed";
    case RecordEvent::Kind::TakeClosed:
        return "take_closed";
    case RecordEvent::Kind::FramesDropped:
        return "frames_dropped";
    case RecordEvent::Kind::LowDiskSpace:
        return "low_disk_space";
    case RecordEvent::Kind::WriteFailed:
        return "write_failed";
    }
    return "?";
}

} // namespace backline::record
