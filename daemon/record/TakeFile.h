// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "record/RecordSettings.h"

#include <cstdint>
#include <filesystem>

typedef struct sf_private_tag SNDFILE;

namespace backline::record {

/// [disk] One audio file of a take, written through libsndfile on a descriptor the recorder
/// owns (so it can fdatasync). Move-only; the destructor closes.
class TakeFile {
public:
    /// [disk] Creates path (which must not exist) for channels interleaved at sampleRate.
    static Result<TakeFile> create(
        const std::filesystem::path& path, FileFormat format, SampleBits bits, int channels, int sampleRate);

    TakeFile() = default;
    TakeFile(TakeFile&& other) noexcept;
    TakeFile& operator=(TakeFile&& other) noexcept;
    TakeFile(const TakeFile&) = delete;
    TakeFile& operator=(const TakeFile&) = delete;
    ~TakeFile();

    /// [disk] Appends frames interleaved frames; an error (disk full …) names the file.
    Result<void> write(const float* interleaved, std::uint64_t frames);
    /// [disk] Rewrites the header so it describes every frame written so far.
    void refreshHeader();
    /// [disk] Forces the file's data (not its metadata) to the disk.
    Result<void> sync();
    /// [disk] Finalises the header and closes (fdatasync first when sync is set; a caller
    /// closing many files passes false and syncs the filesystem once); further calls do nothing.
    Result<void> close(bool sync = true);

    bool isOpen() const noexcept { return sf_ != nullptr; }
    std::uint64_t frames() const noexcept { return frames_; }
    int channels() const noexcept { return channels_; }
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
    SNDFILE* sf_ = nullptr;
    int fd_ = -1;
    int channels_ = 0;
    std::uint64_t frames_ = 0;
};

} // namespace backline::record
