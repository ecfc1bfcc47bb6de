// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace backline::port {

enum class RecorderState {
    Idle,      ///< no take open (pre-roll, if configured, keeps filling)
    Recording, ///< a take is open and its files are growing
    Suspended, ///< a take is open between segments (JACK went away); it resumes when JACK is back
};

/// "idle", "recording", "suspended".
const char* toString(RecorderState state);

/// What is wrong with name as a marker's name (empty, over 200 bytes, a control character);
/// empty when it may be one. The one rule, for the recorder and every surface.
std::string markerNameProblem(std::string_view name);

/// One record source's health.
struct SourceStatus {
    std::string id;
    /// Frames lost to a full ring during the current take (replaced by silence in the file).
    std::uint64_t droppedInTake = 0;
    /// Frames lost since the sources were prepared, take or not.
    std::uint64_t droppedTotal = 0;
    /// How full the ring was at the last drain, 0 … 1.
    float ringFill = 0;
};

/// A snapshot of the recorder, published by its disk thread after each drain.
struct RecorderStatus {
    RecorderState state = RecorderState::Idle;
    std::filesystem::path takeFolder;
    /// Frames in the take so far (all segments).
    std::uint64_t takeFrames = 0;
    double takeSeconds = 0;
    int segment = 0;
    std::size_t markers = 0;
    std::uint64_t xrunsInTake = 0;
    /// Sum of every source's droppedInTake.
    std::uint64_t droppedInTake = 0;
    /// Free space on the record folder's disk at the last check.
    std::uint64_t freeBytes = 0;
    /// The last write or disk error, empty if none since the last start.
    std::string lastError;
    std::vector<SourceStatus> sources;
};

} // namespace backline::port
