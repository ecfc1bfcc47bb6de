// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace backline::record {

/// A point in a take: a `/record/marker`, a scene recall, an arrangement section.
struct ManifestMarker {
    std::string name;
    /// Frame in the take (0 = the first frame of the first segment's files).
    std::uint64_t frame = 0;
    /// The engine's sample clock at that frame, when the recorder knows the engine's origin.
    std::optional<std::uint64_t> engineFrame;
    std::string wallClock;
};

/// One set of files of a take (a new one begins when JACK comes back).
struct ManifestSegment {
    int index = 1;
    /// Take frame of the segment's first frame.
    std::uint64_t startFrame = 0;
    std::uint64_t frames = 0;
    std::string startedAt;
    /// Why it ended: `stopped`, `jack_lost`, `write_failed`, `interrupted`; empty while open.
    std::string ended;
};

/// One recorded source and its file in each segment.
struct ManifestSource {
    std::string id;
    int channels = 1;
    std::vector<std::string> files;
    std::uint64_t droppedFrames = 0;
};

/// Everything take.yaml holds; written by the recorder, read back by repairTakes().
struct TakeManifest {
    std::string name;
    /// False while the take is open: a take found with `complete: false` was interrupted.
    bool complete = false;
    /// Why the take ended: `stopped`, `write_failed`, `interrupted` (repaired after a crash).
    std::string ended;
    std::string error;
    int sampleRate = 48000;
    std::string format;
    int bits = 24;
    std::string startedAt;
    std::uint64_t startCaptureFrame = 0;
    std::optional<std::uint64_t> startEngineFrame;
    std::uint64_t prerollFrames = 0;
    std::uint64_t durationFrames = 0;
    std::vector<ManifestSource> sources;
    std::vector<ManifestSegment> segments;
    std::vector<ManifestMarker> markers;
    std::uint64_t xrunCount = 0;
    /// Take frames at which xruns were noticed (to the disk writer's drain period).
    std::vector<std::uint64_t> xrunFrames;
    std::string repairedAt;
    /// The session snapshot the caller gave start(), verbatim.
    std::string session;
};

/// [disk] Writes take.yaml atomically (temporary file, fdatasync, rename).
Result<void> writeManifest(const std::filesystem::path& file, const TakeManifest& manifest);
/// [any] Reads a take.yaml written by writeManifest().
Result<TakeManifest> readManifest(const std::filesystem::path& file);

} // namespace backline::record
