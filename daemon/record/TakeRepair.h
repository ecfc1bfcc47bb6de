// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace backline::record {

/// One file put right by repairTakes().
struct RepairedFile {
    std::filesystem::path path;
    /// Frames the file holds after the repair.
    std::uint64_t frames = 0;
};

/// One take put right by repairTakes().
struct RepairedTake {
    std::filesystem::path folder;
    std::vector<RepairedFile> files;
    std::uint64_t durationFrames = 0;
};

/// What repairTakes() did.
struct RepairReport {
    std::vector<RepairedTake> repaired;
    /// Takes or files that could not be repaired, one message each (file and reason).
    std::vector<std::string> problems;
};

/// [control] Finds every take under root whose take.yaml says `complete: false` (the daemon
/// died during it), rewrites each file's header from the file's length (repairAudioFile, in
/// HeaderRepair.h) and marks take.yaml `complete: true`, `ended: interrupted` with the real
/// durations. Call it at start-up, before recording.
Result<RepairReport> repairTakes(const std::filesystem::path& root);

} // namespace backline::record
