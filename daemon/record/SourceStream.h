// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/AudioRing.h"
#include "core/Result.h"
#include "record/PreRollBuffer.h"
#include "record/RecordSettings.h"
#include "record/TakeFile.h"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace backline::record {

/// [disk] The disk writer's side of one source: drains its ring, keeps the pre-roll, and
/// writes the part of the stream that falls inside the open file's range.
///
/// Frames are numbered by capture frame: the position in the stream the audio thread has
/// offered to the ring since it was created, written or dropped. All rings are fed the same
/// blocks, so a capture frame names the same instant in every source.
class SourceStream {
public:
    /// [control] Allocates the scratch and pre-roll memory for ring.
    SourceStream(std::string id, std::shared_ptr<AudioRing> ring, std::uint64_t prerollFrames);

    /// What one drain found.
    struct Drained {
        std::uint64_t frames = 0;  ///< frames read from the ring
        std::uint64_t dropped = 0; ///< frames the ring dropped since the last drain
    };
    /// [disk] Moves everything the ring holds into the pre-roll and the open file. Frames the
    /// ring dropped are replaced by silence where they were noticed, so every file keeps its
    /// length and its alignment with the others. When the file's write fails the frames are
    /// still consumed (position() moves on, the pre-roll keeps them), the error is returned and
    /// the file takes nothing more until the next openFile().
    Result<Drained> drain();

    /// [disk] Takes over the counters of the stream that drained the same ring before (new
    /// settings, same rings), so capture frames stay continuous.
    void continueFrom(const SourceStream& previous) noexcept
    {
        position_ = previous.position_;
        droppedSeen_ = previous.droppedSeen_;
        droppedTotal_ = previous.droppedTotal_;
        preroll_.resetAt(position_);
    }

    /// [disk] Opens path and writes the pre-roll from capture frame start on; later frames
    /// before start are skipped (a source that was a block behind the others).
    Result<void> openFile(const std::filesystem::path& path, const RecordSettings& settings, std::uint64_t start);
    /// [disk] Stops the file at capture frame end (frames past it go to the pre-roll only).
    void limitFile(std::uint64_t end) noexcept { fileEnd_ = end; }
    /// [disk] Pads the file with silence up to its limit (frames that never arrived) and
    /// counts them as dropped; returns how many.
    Result<std::uint64_t> padFileToLimit();
    /// [disk] Refreshes the open file's header (and syncs its data first when sync is set).
    Result<void> checkpoint(bool sync);
    /// [disk] Closes the open file, if any (see TakeFile::close for sync).
    Result<void> closeFile(bool sync = true);

    const std::string& id() const noexcept { return id_; }
    int channels() const noexcept { return ring_->channels(); }
    const std::shared_ptr<AudioRing>& ring() const noexcept { return ring_; }
    /// Capture frame just past the last frame drained.
    std::uint64_t position() const noexcept { return position_; }
    /// Earliest capture frame the pre-roll still holds.
    std::uint64_t prerollFirstFrame() const noexcept { return preroll_.firstFrame(); }
    bool fileOpen() const noexcept { return file_.isOpen(); }
    std::uint64_t fileFrames() const noexcept { return file_.frames(); }
    /// Frames replaced by silence in the current take (reset by resetTakeCounters()).
    std::uint64_t droppedInTake() const noexcept { return droppedInTake_; }
    std::uint64_t droppedTotal() const noexcept { return droppedTotal_; }
    float ringFill() const noexcept { return ringFill_; }
    void resetTakeCounters() noexcept { droppedInTake_ = 0; }

private:
    Result<void> consume(const float* data, std::uint64_t n);
    Result<void> writeToFile(const float* data, std::uint64_t n);

    std::string id_;
    std::shared_ptr<AudioRing> ring_;
    std::vector<float> scratch_;
    PreRollBuffer preroll_;
    std::uint64_t position_ = 0;
    std::uint64_t droppedSeen_ = 0;
    std::uint64_t droppedTotal_ = 0;
    std::uint64_t droppedInTake_ = 0;
    float ringFill_ = 0;
    TakeFile file_;
    bool fileFailed_ = false; ///< a write to file_ failed: it takes nothing more
    std::uint64_t fileStart_ = 0;
    std::uint64_t fileEnd_ = std::numeric_limits<std::uint64_t>::max();
};

} // namespace backline::record
