// SPDX-License-Identifier: GPL-3.0-or-later
// The take walk after a crash: which takes are open, which of their files to repair, and
// take.yaml closed with what they really hold ([control]).
#include "record/TakeRepair.h"

#include "record/HeaderRepair.h"
#include "record/TakeManifest.h"
#include "record/TakeNames.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <system_error>
#include <vector>

namespace backline::record {

namespace {

/// Repairs every file of the open take in folder into take; yields the frames each segment
/// holds (its shortest file; 0 where a file is missing, UINT64_MAX where none was repaired).
std::vector<std::uint64_t> repairFiles(const std::filesystem::path& folder, const TakeManifest& m,
    RepairedTake& take, std::vector<std::string>& problems)
{
    std::vector<std::uint64_t> segmentFrames(m.segments.size(), UINT64_MAX);
    for (const auto& src : m.sources) {
        for (std::size_t seg = 0; seg < src.files.size(); ++seg) {
            const std::filesystem::path file = folder / src.files[seg];
            if (!std::filesystem::exists(file)) {
                if (seg < segmentFrames.size())
                    segmentFrames[seg] = 0;
                continue;
            }
            auto frames = repairAudioFile(file);
            if (!frames) {
                problems.push_back(frames.error().message);
                continue;
            }
            take.files.push_back(RepairedFile {file, *frames});
            if (seg < segmentFrames.size())
                segmentFrames[seg] = std::min(segmentFrames[seg], *frames);
        }
    }
    return segmentFrames;
}

/// Closes m as an interrupted take: each open segment ends where its files do, and the
/// segments follow one another from frame 0. Yields the take's length in frames.
std::uint64_t closeInterrupted(TakeManifest& m, const std::vector<std::uint64_t>& segmentFrames)
{
    std::uint64_t duration = 0;
    for (std::size_t seg = 0; seg < m.segments.size(); ++seg) {
        auto& s = m.segments[seg];
        s.startFrame = duration;
        if (s.ended.empty()) {
            s.frames = segmentFrames[seg] == UINT64_MAX ? 0 : segmentFrames[seg];
            s.ended = "interrupted";
        }
        duration += s.frames;
    }
    m.durationFrames = duration;
    m.complete = true;
    m.ended = "interrupted";
    m.repairedAt = isoTimestamp(std::chrono::system_clock::now());
    return duration;
}

} // namespace

Result<RepairReport> repairTakes(const std::filesystem::path& root)
{
    RepairReport report;
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec))
        return report; // nothing was ever recorded here
    for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
        const std::filesystem::path yaml = entry.path() / "take.yaml";
        if (!entry.is_directory() || !std::filesystem::exists(yaml))
            continue;
        auto manifest = readManifest(yaml);
        if (!manifest) {
            report.problems.push_back(manifest.error().message);
            continue;
        }
        if (manifest->complete)
            continue;
        RepairedTake take;
        take.folder = entry.path();
        const auto segmentFrames = repairFiles(entry.path(), *manifest, take, report.problems);
        take.durationFrames = closeInterrupted(*manifest, segmentFrames);
        std::filesystem::remove(entry.path() / ".space-reserve", ec);
        std::filesystem::remove(entry.path() / "take.yaml.tmp", ec);
        if (auto w = writeManifest(yaml, *manifest); !w) {
            report.problems.push_back(w.error().message);
            continue;
        }
        report.repaired.push_back(std::move(take));
    }
    return report;
}

} // namespace backline::record
