// SPDX-License-Identifier: GPL-3.0-or-later
#include "record/TakeFile.h"

#include <sndfile.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace backline::record {

Result<TakeFile> TakeFile::create(
    const std::filesystem::path& path, FileFormat format, SampleBits bits, int channels, int sampleRate)
{
    auto sfFormat = sndfileFormat(format, bits);
    if (!sfFormat)
        return sfFormat.error();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return makeError(ErrorCode::Io, path.string() + ": cannot create (" + std::strerror(errno) + ")");
    SF_INFO info {};
    info.samplerate = sampleRate;
    info.channels = channels;
    info.format = *sfFormat;
    SNDFILE* sf = sf_open_fd(fd, SFM_WRITE, &info, SF_FALSE);
    if (!sf) {
        const std::string why = sf_strerror(nullptr);
        ::close(fd);
        ::unlink(path.c_str());
        return makeError(ErrorCode::Io, path.string() + ": libsndfile cannot write this format (" + why + ")");
    }
    // An over (a sample beyond ±1) clips in integer files instead of wrapping around.
    sf_command(sf, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    // No PEAK chunk: it would make every header refresh scan state we do not need.
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
    // Write the header now so even a file killed before its first refresh opens.
    sf_command(sf, SFC_UPDATE_HEADER_NOW, nullptr, 0);
    TakeFile f;
    f.path_ = path;
    f.sf_ = sf;
    f.fd_ = fd;
    f.channels_ = channels;
    return f;
}

TakeFile::TakeFile(TakeFile&& o) noexcept
    : path_(std::move(o.path_))
    , sf_(std::exchange(o.sf_, nullptr))
    , fd_(std::exchange(o.fd_, -1))
    , channels_(o.channels_)
    , frames_(o.frames_)
{
}

TakeFile& TakeFile::operator=(TakeFile&& o) noexcept
{
    if (this != &o) {
        (void)close();
        path_ = std::move(o.path_);
        sf_ = std::exchange(o.sf_, nullptr);
        fd_ = std::exchange(o.fd_, -1);
        channels_ = o.channels_;
        frames_ = o.frames_;
    }
    return *this;
}

TakeFile::~TakeFile() { (void)close(); }

Result<void> TakeFile::write(const float* interleaved, std::uint64_t frames)
{
    if (!sf_)
        return makeError(ErrorCode::Io, path_.string() + ": write after close");
    errno = 0;
    const sf_count_t done = sf_writef_float(sf_, interleaved, sf_count_t(frames));
    if (done > 0)
        frames_ += std::uint64_t(done);
    if (done != sf_count_t(frames)) {
        const int err = errno;
        std::string why = err ? std::strerror(err) : sf_strerror(sf_);
        return makeError(ErrorCode::Io,
            path_.string() + ": write failed after " + std::to_string(frames_) + " frames (" + why + ")");
    }
    return {};
}

void TakeFile::refreshHeader()
{
    if (sf_)
        sf_command(sf_, SFC_UPDATE_HEADER_NOW, nullptr, 0);
}

Result<void> TakeFile::sync()
{
    if (fd_ >= 0 && ::fdatasync(fd_) != 0)
        return makeError(ErrorCode::Io, path_.string() + ": fdatasync failed (" + std::strerror(errno) + ")");
    return {};
}

Result<void> TakeFile::close(bool sync)
{
    if (!sf_)
        return {};
    const int sfErr = sf_close(std::exchange(sf_, nullptr));
    int syncErr = 0;
    if (sync && ::fdatasync(fd_) != 0)
        syncErr = errno;
    ::close(std::exchange(fd_, -1));
    if (sfErr != 0)
        return makeError(ErrorCode::Io, path_.string() + ": closing failed (" + sf_error_number(sfErr) + ")");
    if (syncErr != 0)
        return makeError(ErrorCode::Io, path_.string() + ": fdatasync at close failed (" + std::strerror(syncErr) + ")");
    return {};
}

} // namespace backline::record
