// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "record/RecordSettings.h"
#include "record/RecordTypes.h"
#include "record/SourceStream.h"
#include "record/TakeManifest.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace backline::record {

/// The sources the disk writer drains, in the order they were prepared.
using SourceList = std::vector<std::unique_ptr<SourceStream>>;

/// [disk] One open take: its folder, take.yaml and the segments of files the sources write.
/// Every function runs on the disk thread; the sources are drained by the caller.
class TakeWriter {
public:
    /// What start() asks for.
    struct StartRequest {
        std::string name;
        std::string session;
        std::chrono::system_clock::time_point requestedAt;
        std::optional<std::uint64_t> engineOrigin;
    };

    /// [disk] Creates the take folder under settings.folder and opens the first segment at
    /// capture frame start (which may lie in the pre-roll). On failure nothing is left behind.
    static Result<std::unique_ptr<TakeWriter>> open(const StartRequest& request, const RecordSettings& settings,
        SourceList& sources, std::uint64_t start, std::uint64_t prerollFrames);

    /// [disk] Ends the open segment at the furthest capture frame any source reached (waiting
    /// briefly for sources a block behind, padding them with silence if they never arrive).
    Result<void> closeSegment(SourceList& sources, const std::string& reason);
    /// [disk] Opens the next segment's files (`…-seg<N>`) at capture frame start.
    Result<void> beginSegment(SourceList& sources, std::uint64_t start);
    /// [disk] Marks the take complete, removes the space reserve and writes take.yaml.
    Result<void> finish(SourceList& sources, const std::string& reason, const std::string& error = {});
    /// [disk] After a failed write: closes every file, cuts each to the frames they all hold
    /// (the segment's length, decided once) and finishes the take.
    void abandon(SourceList& sources, const std::string& error);

    /// [disk] Refreshes every header (syncing data first under SyncEveryRefresh).
    Result<void> checkpoint(SourceList& sources);
    /// [disk] Rewrites take.yaml with the current duration, markers and counters.
    Result<void> saveManifest(SourceList& sources);

    /// [disk] Adds a marker at capture frame captureFrame of the current segment.
    void addMarker(std::string name, std::uint64_t captureFrame, std::optional<std::uint64_t> engineFrame,
        std::string wallClock);
    /// [disk] Records count xruns noticed around capture frame captureFrame.
    void addXruns(std::uint64_t count, std::uint64_t captureFrame);

    bool segmentOpen() const noexcept { return segmentOpen_; }
    int segment() const noexcept { return int(manifest_.segments.size()); }
    const std::filesystem::path& folder() const noexcept { return folder_; }
    const TakeManifest& manifest() const noexcept { return manifest_; }
    /// Take frames so far (closed segments plus the open one as far as sources reached).
    std::uint64_t frames(const SourceList& sources) const;
    /// Frames replaced by silence in this take, every source and segment.
    std::uint64_t droppedFrames(const SourceList& sources) const;
    /// Capture frame of the open segment's first frame.
    std::uint64_t segmentStartCapture() const noexcept { return segmentStartCapture_; }

private:
    TakeWriter(std::filesystem::path folder, RecordSettings settings);
    Result<void> openSegmentFiles(SourceList& sources, std::uint64_t start, const std::string& startedAt);
    std::uint64_t takeFrameOf(std::uint64_t captureFrame) const;
    /// Cuts the open segment's closed files to frames (fewer if one holds fewer); returns the
    /// frames every file now holds, and appends what could not be cut to problems.
    std::uint64_t cutSegmentFiles(std::uint64_t frames, std::string& problems);
    void updateSources(const SourceList& sources);

    std::filesystem::path folder_;
    RecordSettings settings_;
    TakeManifest manifest_;
    std::uint64_t segmentStartCapture_ = 0;
    std::uint64_t closedFrames_ = 0;
    std::vector<std::uint64_t> droppedBefore_; ///< per source, dropped in closed segments
    bool segmentOpen_ = false;
};

} // namespace backline::record
