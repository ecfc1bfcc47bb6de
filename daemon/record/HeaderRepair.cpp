// SPDX-License-Identifier: GPL-3.0-or-later
// One audio file's header made to describe the frames the file really holds ([control, disk]).
#include "record/HeaderRepair.h"

#include "record/AudioHeader.h"
#include "record/RawFile.h"

#include <sndfile.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

namespace backline::record {

namespace {

/// The audio from h.audioStart to the file's end cut to whole frames, at most maxFrames of
/// them, the file truncated to it; yields its length in bytes.
Result<std::uint64_t> trimToFrames(
    RawFile& f, const std::filesystem::path& file, const AudioHeader& h, std::uint64_t maxFrames)
{
    const std::uint64_t len = f.length();
    if (h.frameBytes == 0 || h.audioStart > len)
        return cannotRepair(file, "no audio data found");
    const std::uint64_t bytes = std::min((len - h.audioStart) / h.frameBytes, maxFrames) * h.frameBytes;
    if (h.audioStart + bytes != len && !f.truncate(h.audioStart + bytes))
        return cannotRepair(file, std::string("cannot cut the partial last frame: ") + std::strerror(errno));
    return bytes;
}

/// Writes the sizes of `bytes` of audio into the header's fields; false when a write fails.
Result<bool> writeSizes(RawFile& f, const std::filesystem::path& file, const AudioHeader& h, std::uint64_t bytes)
{
    const std::uint64_t frames = bytes / h.frameBytes;
    const std::uint64_t data = h.dataChunk;
    bool ok = true;
    switch (h.container) {
    case Container::Rf64:
        if (h.ds64 == 0)
            return cannotRepair(file, "RF64 file without a 'ds64' chunk");
        ok = f.putLe<std::uint64_t>(h.ds64, data + bytes - 8) && f.putLe<std::uint64_t>(h.ds64 + 8, bytes)
            && f.putLe<std::uint64_t>(h.ds64 + 16, frames) && f.putLe<std::uint32_t>(4, 0xFFFFFFFFu)
            && f.putLe<std::uint32_t>(data - 4, 0xFFFFFFFFu);
        if (ok && h.fact != 0)
            ok = f.putLe<std::uint32_t>(h.fact, std::uint32_t(std::min<std::uint64_t>(frames, 0xFFFFFFFFu)));
        return ok;
    case Container::Wav:
        if (data + bytes - 8 > 0xFFFFFFFFull)
            return cannotRepair(file, "more than 4 GiB of audio in a WAV file; record RF64 instead");
        ok = f.putLe<std::uint32_t>(4, std::uint32_t(data + bytes - 8))
            && f.putLe<std::uint32_t>(data - 4, std::uint32_t(bytes));
        if (ok && h.fact != 0)
            ok = f.putLe<std::uint32_t>(h.fact, std::uint32_t(std::min<std::uint64_t>(frames, 0xFFFFFFFFu)));
        return ok;
    case Container::W64:
        ok = f.putLe<std::uint64_t>(16, data + bytes) && f.putLe<std::uint64_t>(data - 8, 24 + bytes);
        if (ok && h.fact != 0)
            ok = f.putLe<std::uint64_t>(h.fact, frames);
        return ok;
    case Container::Caf:
        // The data chunk's size counts its 4-byte edit count.
        return f.putBe<std::uint64_t>(data - 8, 4 + bytes);
    case Container::Flac:
        break;
    }
    return cannotRepair(file, "its header is not one rewritten in place");
}

/// A WAVE, W64 or CAF file cut to whole frames in place, its header made to say so.
Result<std::uint64_t> repairInPlace(
    RawFile& f, const std::filesystem::path& file, const AudioHeader& h, std::uint64_t maxFrames)
{
    auto bytes = trimToFrames(f, file, h, maxFrames);
    if (!bytes)
        return bytes.error();
    auto written = writeSizes(f, file, h, *bytes);
    if (!written)
        return written.error();
    if (!*written)
        return cannotRepair(file, std::string("cannot write the header: ") + std::strerror(errno));
    f.sync();
    return *bytes / h.frameBytes;
}

/// A FLAC stream cut by a crash has no sample count; re-encode what decodes (at most maxFrames)
/// into a clean file.
Result<std::uint64_t> repairFlac(const std::filesystem::path& file, std::uint64_t maxFrames)
{
    SF_INFO in {};
    SNDFILE* src = sf_open(file.c_str(), SFM_READ, &in);
    if (!src)
        return cannotRepair(file, sf_strerror(nullptr));
    const std::filesystem::path tmp = file.parent_path() / ("." + file.filename().string() + ".repair");
    SF_INFO out = in;
    out.frames = 0;
    SNDFILE* dst = sf_open(tmp.c_str(), SFM_WRITE, &out);
    if (!dst) {
        sf_close(src);
        return cannotRepair(file, std::string("cannot write ") + tmp.string() + ": " + sf_strerror(nullptr));
    }
    std::vector<int> buf(std::size_t(in.channels) * 8192);
    std::uint64_t frames = 0;
    while (frames < maxFrames) {
        const auto want = sf_count_t(std::min<std::uint64_t>(8192, maxFrames - frames));
        const sf_count_t n = sf_readf_int(src, buf.data(), want);
        if (n <= 0)
            break;
        if (sf_writef_int(dst, buf.data(), n) != n) {
            sf_close(src);
            sf_close(dst);
            std::filesystem::remove(tmp);
            return cannotRepair(file, "cannot write the re-encoded copy (disk full?)");
        }
        frames += std::uint64_t(n);
    }
    sf_close(src);
    if (sf_close(dst) != 0) {
        std::filesystem::remove(tmp);
        return cannotRepair(file, "cannot finish the re-encoded copy");
    }
    if (const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    if (ec)
        return cannotRepair(file, "cannot replace it with the repaired copy (" + ec.message() + ")");
    return frames;
}

} // namespace

Result<std::uint64_t> repairAudioFile(const std::filesystem::path& file, std::uint64_t maxFrames)
{
    {
        RawFile f(file);
        if (!f.ok())
            return cannotRepair(file, std::strerror(errno));
        auto header = readAudioHeader(f, file);
        if (!header)
            return header.error();
        if (header->container != Container::Flac)
            return repairInPlace(f, file, *header, maxFrames);
    }
    // libsndfile reopens a FLAC file by name: the raw one is closed first.
    return repairFlac(file, maxFrames);
}

} // namespace backline::record
