// SPDX-License-Identifier: GPL-3.0-or-later
#include "record/TakeWriter.h"

#include "record/RecordConfig.h"
#include "record/TakeNames.h"
#include "record/HeaderRepair.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

namespace backline::record {

namespace {

constexpr const char* manifestName = "take.yaml";
constexpr const char* reserveName = ".space-reserve";

/// fsync a directory so the entries just created in it survive a power cut.
void syncDirectory(const std::filesystem::path& dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

/// Makes everything written on the take's filesystem durable in one journal commit (one
/// fdatasync per file costs a commit each: ~1 s for 64 files on a busy disk).
void syncFilesystem(const std::filesystem::path& dir)
{
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::syncfs(fd);
        ::close(fd);
    }
}

/// Sets aside space so take.yaml can still be rewritten once the disk is full.
void createReserve(const std::filesystem::path& file)
{
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    if (::posix_fallocate(fd, 0, off_t(config::recordReserveBytes)) != 0) {
        // Filesystems without fallocate: write the zeros.
        std::vector<char> zeros(64 * 1024);
        for (std::size_t done = 0; done < config::recordReserveBytes; done += zeros.size())
            if (::write(fd, zeros.data(), zeros.size()) <= 0)
                break;
    }
    ::close(fd);
}

std::uint64_t maxPosition(const SourceList& sources)
{
    std::uint64_t m = 0;
    for (const auto& s : sources)
        m = std::max(m, s->position());
    return m;
}

} // namespace

TakeWriter::TakeWriter(std::filesystem::path folder, RecordSettings settings)
    : folder_(std::move(folder))
    , settings_(std::move(settings))
{
}

Result<std::unique_ptr<TakeWriter>> TakeWriter::open(const StartRequest& request, const RecordSettings& settings,
    SourceList& sources, std::uint64_t start, std::uint64_t prerollFrames)
{
    auto folder = createUniqueFolder(settings.folder, takeFolderName(request.requestedAt, request.name));
    if (!folder)
        return folder.error();
    std::unique_ptr<TakeWriter> take(new TakeWriter(*folder, settings));
    TakeManifest& m = take->manifest_;
    m.name = request.name;
    m.sampleRate = settings.sampleRate;
    m.format = std::string(formatName(settings.format));
    m.bits = bitsValue(settings.bits);
    const auto firstFrameAt = request.requestedAt
        - std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::duration<double>(double(prerollFrames) / settings.sampleRate));
    m.startedAt = isoTimestamp(firstFrameAt);
    m.startCaptureFrame = start;
    if (request.engineOrigin)
        m.startEngineFrame = *request.engineOrigin + start;
    m.prerollFrames = prerollFrames;
    m.session = request.session;
    for (const auto& s : sources)
        m.sources.push_back(ManifestSource {s->id(), s->channels(), {}, 0});
    take->droppedBefore_.assign(sources.size(), 0);
    for (auto& s : sources)
        s->resetTakeCounters();

    createReserve(*folder / reserveName);
    auto opened = take->openSegmentFiles(sources, start, m.startedAt);
    if (!opened) {
        for (auto& s : sources)
            (void)s->closeFile();
        std::error_code ec;
        std::filesystem::remove_all(*folder, ec);
        return opened.error();
    }
    return take;
}

Result<void> TakeWriter::openSegmentFiles(SourceList& sources, std::uint64_t start, const std::string& startedAt)
{
    const int index = int(manifest_.segments.size()) + 1;
    manifest_.segments.push_back(ManifestSegment {index, closedFrames_, 0, startedAt, {}});
    for (std::size_t i = 0; i < sources.size(); ++i)
        manifest_.sources[i].files.push_back(
            sourceFileStem(sources[i]->id(), index) + std::string(formatExtension(settings_.format)));
    // take.yaml first: a take whose files exist always has a manifest that names them.
    if (auto r = saveManifest(sources); !r)
        return r;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        auto r = sources[i]->openFile(folder_ / manifest_.sources[i].files.back(), settings_, start);
        if (!r)
            return r;
    }
    syncDirectory(folder_);
    syncDirectory(folder_.parent_path());
    segmentStartCapture_ = start;
    segmentOpen_ = true;
    return {};
}

Result<void> TakeWriter::closeSegment(SourceList& sources, const std::string& reason)
{
    if (!segmentOpen_)
        return {};
    // Every file ends at the same capture frame: the furthest any source has reached.
    const std::uint64_t end = std::max(maxPosition(sources), segmentStartCapture_);
    for (auto& s : sources)
        s->limitFile(end);
    const auto deadline = std::chrono::steady_clock::now() + config::recordAlignWait;
    for (;;) {
        bool behind = false;
        for (auto& s : sources) {
            if (s->position() < end) {
                if (auto r = s->drain(); !r)
                    return r.error();
                behind = behind || s->position() < end;
            }
        }
        if (!behind || std::chrono::steady_clock::now() > deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    // A pad that fails (the disk filled) leaves the segment open: the caller abandons it, which
    // cuts every file back to the frames they all hold.
    for (auto& s : sources)
        if (auto padded = s->padFileToLimit(); !padded)
            return padded.error();
    Result<void> result;
    for (auto& s : sources)
        if (auto r = s->closeFile(false); !r && result)
            result = r;
    syncFilesystem(folder_);
    manifest_.segments.back().frames = end - segmentStartCapture_;
    manifest_.segments.back().ended = reason;
    closedFrames_ += end - segmentStartCapture_;
    updateSources(sources);
    for (std::size_t i = 0; i < sources.size(); ++i) {
        droppedBefore_[i] += sources[i]->droppedInTake();
        sources[i]->resetTakeCounters();
    }
    segmentOpen_ = false;
    if (auto r = saveManifest(sources); !r && result)
        result = r;
    return result;
}

Result<void> TakeWriter::beginSegment(SourceList& sources, std::uint64_t start)
{
    if (segmentOpen_)
        if (auto r = closeSegment(sources, "restarted"); !r)
            return r;
    return openSegmentFiles(sources, start, isoTimestamp(std::chrono::system_clock::now()));
}

Result<void> TakeWriter::finish(SourceList& sources, const std::string& reason, const std::string& error)
{
    Result<void> result;
    if (segmentOpen_) {
        result = closeSegment(sources, reason);
        if (!result && segmentOpen_) { // a write failed while draining the last frames
            abandon(sources, result.error().message);
            return result;
        }
    }
    std::error_code ec;
    std::filesystem::remove(folder_ / reserveName, ec);
    manifest_.complete = true;
    manifest_.ended = reason;
    if (!error.empty())
        manifest_.error = error;
    else if (!result)
        manifest_.error = result.error().message;
    if (auto r = saveManifest(sources); !r && result)
        result = r;
    syncDirectory(folder_);
    return result;
}

void TakeWriter::abandon(SourceList& sources, const std::string& error)
{
    // Free the reserve first: take.yaml must fit on the full disk.
    std::error_code ec;
    std::filesystem::remove(folder_ / reserveName, ec);
    std::string problems;
    if (segmentOpen_) {
        // The segment's length is decided once, here: the frames every file holds. Sources
        // drained before the one whose write failed got further; they are cut back to it, so
        // every file of the segment ends on the frame take.yaml states.
        std::uint64_t frames = UINT64_MAX;
        for (auto& s : sources) {
            frames = std::min(frames, s->fileFrames());
            (void)s->closeFile(false); // each header is rewritten in place: no new space needed
        }
        frames = cutSegmentFiles(frames == UINT64_MAX ? 0 : frames, problems);
        syncFilesystem(folder_);
        auto& seg = manifest_.segments.back();
        seg.frames = frames;
        seg.ended = "write_failed";
        closedFrames_ += seg.frames;
        segmentOpen_ = false;
    }
    (void)finish(sources, "write_failed", problems.empty() ? error : error + problems);
}

std::uint64_t TakeWriter::cutSegmentFiles(std::uint64_t frames, std::string& problems)
{
    // A file can hold less than it was given (a torn last write, FLAC's last block still in
    // the encoder): then a second pass cuts every file to the shortest.
    for (int pass = 0; pass < 2; ++pass) {
        const std::uint64_t wanted = frames;
        problems.clear();
        for (const auto& src : manifest_.sources) {
            const std::filesystem::path file = folder_ / src.files.back();
            auto held = repairAudioFile(file, wanted);
            if (!held) {
                problems += "; " + held.error().message + ": it may hold more frames than take.yaml states";
                continue;
            }
            frames = std::min(frames, *held);
        }
        if (frames == wanted)
            break;
    }
    return frames;
}

Result<void> TakeWriter::checkpoint(SourceList& sources)
{
    const bool sync = settings_.durability == Durability::SyncEveryRefresh;
    for (auto& s : sources)
        if (auto r = s->checkpoint(sync); !r)
            return r;
    return {};
}

Result<void> TakeWriter::saveManifest(SourceList& sources)
{
    updateSources(sources);
    manifest_.durationFrames = frames(sources);
    return writeManifest(folder_ / manifestName, manifest_);
}

void TakeWriter::updateSources(const SourceList& sources)
{
    for (std::size_t i = 0; i < sources.size() && i < manifest_.sources.size(); ++i)
        manifest_.sources[i].droppedFrames = droppedBefore_[i] + sources[i]->droppedInTake();
}

std::uint64_t TakeWriter::frames(const SourceList& sources) const
{
    if (!segmentOpen_)
        return closedFrames_;
    std::uint64_t reached = segmentStartCapture_;
    for (const auto& s : sources)
        reached = std::max(reached, s->position());
    return closedFrames_ + (reached - segmentStartCapture_);
}

std::uint64_t TakeWriter::droppedFrames(const SourceList& sources) const
{
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < droppedBefore_.size(); ++i)
        total += droppedBefore_[i] + (i < sources.size() ? sources[i]->droppedInTake() : 0);
    return total;
}

std::uint64_t TakeWriter::takeFrameOf(std::uint64_t captureFrame) const
{
    if (!segmentOpen_)
        return closedFrames_;
    return closedFrames_ + (captureFrame > segmentStartCapture_ ? captureFrame - segmentStartCapture_ : 0);
}

void TakeWriter::addMarker(
    std::string name, std::uint64_t captureFrame, std::optional<std::uint64_t> engineFrame, std::string wallClock)
{
    manifest_.markers.push_back(
        ManifestMarker {std::move(name), takeFrameOf(captureFrame), engineFrame, std::move(wallClock)});
}

void TakeWriter::addXruns(std::uint64_t count, std::uint64_t captureFrame)
{
    manifest_.xrunCount += count;
    manifest_.xrunFrames.push_back(takeFrameOf(captureFrame));
}

} // namespace backline::record
