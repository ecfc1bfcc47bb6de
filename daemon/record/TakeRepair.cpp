// SPDX-License-Identifier: GPL-3.0-or-later
#include "record/TakeRepair.h"

#include "record/TakeManifest.h"
#include "record/TakeNames.h"

#include <sndfile.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>
#include <vector>

namespace backline::record {

namespace {

/// An open file for header surgery with pread/pwrite.
class RawFile {
public:
    explicit RawFile(const std::filesystem::path& p)
        : fd_(::open(p.c_str(), O_RDWR | O_CLOEXEC))
    {
    }
    ~RawFile()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    RawFile(const RawFile&) = delete;
    RawFile& operator=(const RawFile&) = delete;
    bool ok() const { return fd_ >= 0; }
    std::uint64_t length() const
    {
        const off_t end = ::lseek(fd_, 0, SEEK_END);
        return end < 0 ? 0 : std::uint64_t(end);
    }
    bool read(std::uint64_t pos, void* out, std::size_t n) const
    {
        return ::pread(fd_, out, n, off_t(pos)) == ssize_t(n);
    }
    bool write(std::uint64_t pos, const void* in, std::size_t n)
    {
        return ::pwrite(fd_, in, n, off_t(pos)) == ssize_t(n);
    }
    bool truncate(std::uint64_t len) { return ::ftruncate(fd_, off_t(len)) == 0; }
    bool sync() { return ::fsync(fd_) == 0; }

    template <typename T>
    std::optional<T> le(std::uint64_t pos) const
    {
        std::array<unsigned char, sizeof(T)> b {};
        if (!read(pos, b.data(), b.size()))
            return std::nullopt;
        T v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            v |= T(b[i]) << (8 * i);
        return v;
    }
    template <typename T>
    std::optional<T> be(std::uint64_t pos) const
    {
        std::array<unsigned char, sizeof(T)> b {};
        if (!read(pos, b.data(), b.size()))
            return std::nullopt;
        T v = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i)
            v = T(v << 8) | T(b[i]);
        return v;
    }
    template <typename T>
    bool putLe(std::uint64_t pos, T v)
    {
        std::array<unsigned char, sizeof(T)> b {};
        for (std::size_t i = 0; i < sizeof(T); ++i)
            b[i] = static_cast<unsigned char>(std::uint64_t(v) >> (8 * i));
        return write(pos, b.data(), b.size());
    }
    template <typename T>
    bool putBe(std::uint64_t pos, T v)
    {
        std::array<unsigned char, sizeof(T)> b {};
        for (std::size_t i = 0; i < sizeof(T); ++i)
            b[sizeof(T) - 1 - i] = static_cast<unsigned char>(std::uint64_t(v) >> (8 * i));
        return write(pos, b.data(), b.size());
    }
    bool tagIs(std::uint64_t pos, const char* tag) const
    {
        char b[4];
        return read(pos, b, 4) && std::memcmp(b, tag, 4) == 0;
    }

private:
    int fd_;
};

Error damaged(const std::filesystem::path& file, const std::string& why)
{
    return makeError(ErrorCode::Io, file.string() + ": cannot repair (" + why + ")");
}

/// The audio payload [offset, offset + bytes) cut to whole frames, at most maxFrames of them,
/// the file truncated to it.
Result<std::uint64_t> trimToFrames(RawFile& f, const std::filesystem::path& file, std::uint64_t offset,
    std::uint64_t blockAlign, std::uint64_t maxFrames)
{
    const std::uint64_t len = f.length();
    if (blockAlign == 0 || offset > len)
        return damaged(file, "no audio data found");
    const std::uint64_t bytes = std::min((len - offset) / blockAlign, maxFrames) * blockAlign;
    if (offset + bytes != len && !f.truncate(offset + bytes))
        return damaged(file, std::string("cannot cut the partial last frame: ") + std::strerror(errno));
    return bytes;
}

Result<std::uint64_t> repairRiff(RawFile& f, const std::filesystem::path& file, bool rf64, std::uint64_t maxFrames)
{
    std::uint64_t pos = 12, blockAlign = 0, ds64 = 0, fact = 0, data = 0;
    const std::uint64_t len = f.length();
    while (pos + 8 <= len) {
        char id[4];
        f.read(pos, id, 4);
        const std::uint64_t size = f.le<std::uint32_t>(pos + 4).value_or(0);
        if (std::memcmp(id, "data", 4) == 0) {
            data = pos + 8;
            break;
        }
        if (std::memcmp(id, "ds64", 4) == 0)
            ds64 = pos + 8;
        else if (std::memcmp(id, "fmt ", 4) == 0)
            blockAlign = f.le<std::uint16_t>(pos + 8 + 12).value_or(0);
        else if (std::memcmp(id, "fact", 4) == 0)
            fact = pos + 8;
        pos += 8 + size + (size & 1);
    }
    if (data == 0 || blockAlign == 0)
        return damaged(file, "no 'fmt ' or 'data' chunk");
    auto bytes = trimToFrames(f, file, data, blockAlign, maxFrames);
    if (!bytes)
        return bytes.error();
    const std::uint64_t frames = *bytes / blockAlign;
    bool ok = true;
    if (rf64) {
        if (ds64 == 0)
            return damaged(file, "RF64 file without a 'ds64' chunk");
        ok = f.putLe<std::uint64_t>(ds64, data + *bytes - 8) && f.putLe<std::uint64_t>(ds64 + 8, *bytes)
            && f.putLe<std::uint64_t>(ds64 + 16, frames) && f.putLe<std::uint32_t>(4, 0xFFFFFFFFu)
            && f.putLe<std::uint32_t>(data - 4, 0xFFFFFFFFu);
    } else {
        if (data + *bytes - 8 > 0xFFFFFFFFull)
            return damaged(file, "more than 4 GiB of audio in a WAV file; record RF64 instead");
        ok = f.putLe<std::uint32_t>(4, std::uint32_t(data + *bytes - 8))
            && f.putLe<std::uint32_t>(data - 4, std::uint32_t(*bytes));
    }
    if (ok && fact != 0)
        ok = f.putLe<std::uint32_t>(fact, std::uint32_t(std::min<std::uint64_t>(frames, 0xFFFFFFFFu)));
    if (!ok)
        return damaged(file, std::string("cannot write the header: ") + std::strerror(errno));
    return frames;
}

Result<std::uint64_t> repairW64(RawFile& f, const std::filesystem::path& file, std::uint64_t maxFrames)
{
    std::uint64_t pos = 40, blockAlign = 0, fact = 0, data = 0;
    const std::uint64_t len = f.length();
    while (pos + 24 <= len) {
        char id[4];
        f.read(pos, id, 4);
        const std::uint64_t size = f.le<std::uint64_t>(pos + 16).value_or(0);
        if (std::memcmp(id, "data", 4) == 0) {
            data = pos + 24;
            break;
        }
        if (std::memcmp(id, "fmt ", 4) == 0)
            blockAlign = f.le<std::uint16_t>(pos + 24 + 12).value_or(0);
        else if (std::memcmp(id, "fact", 4) == 0)
            fact = pos + 24;
        if (size < 24)
            break;
        pos += (size + 7) / 8 * 8;
    }
    if (data == 0 || blockAlign == 0)
        return damaged(file, "no 'fmt ' or 'data' chunk");
    auto bytes = trimToFrames(f, file, data, blockAlign, maxFrames);
    if (!bytes)
        return bytes.error();
    const std::uint64_t frames = *bytes / blockAlign;
    bool ok = f.putLe<std::uint64_t>(16, data + *bytes) && f.putLe<std::uint64_t>(data - 8, 24 + *bytes);
    if (ok && fact != 0)
        ok = f.putLe<std::uint64_t>(fact, frames);
    if (!ok)
        return damaged(file, std::string("cannot write the header: ") + std::strerror(errno));
    return frames;
}

Result<std::uint64_t> repairCaf(RawFile& f, const std::filesystem::path& file, std::uint64_t maxFrames)
{
    std::uint64_t pos = 8, bytesPerPacket = 0, data = 0;
    const std::uint64_t len = f.length();
    while (pos + 12 <= len) {
        char id[4];
        f.read(pos, id, 4);
        const auto size = std::int64_t(f.be<std::uint64_t>(pos + 4).value_or(0));
        if (std::memcmp(id, "data", 4) == 0) {
            data = pos + 12;
            break;
        }
        if (std::memcmp(id, "desc", 4) == 0)
            bytesPerPacket = f.be<std::uint32_t>(pos + 12 + 16).value_or(0);
        if (size < 0)
            break;
        pos += 12 + std::uint64_t(size);
    }
    if (data == 0 || bytesPerPacket == 0)
        return damaged(file, "no 'desc' or 'data' chunk");
    // The data chunk starts with a 4-byte edit count, then the audio.
    auto bytes = trimToFrames(f, file, data + 4, bytesPerPacket, maxFrames);
    if (!bytes)
        return bytes.error();
    if (!f.putBe<std::uint64_t>(data - 8, 4 + *bytes))
        return damaged(file, std::string("cannot write the header: ") + std::strerror(errno));
    return *bytes / bytesPerPacket;
}

/// A FLAC stream cut by a crash has no sample count; re-encode what decodes (at most maxFrames)
/// into a clean file.
Result<std::uint64_t> repairFlac(const std::filesystem::path& file, std::uint64_t maxFrames)
{
    SF_INFO in {};
    SNDFILE* src = sf_open(file.c_str(), SFM_READ, &in);
    if (!src)
        return damaged(file, sf_strerror(nullptr));
    const std::filesystem::path tmp = file.parent_path() / ("." + file.filename().string() + ".repair");
    SF_INFO out = in;
    out.frames = 0;
    SNDFILE* dst = sf_open(tmp.c_str(), SFM_WRITE, &out);
    if (!dst) {
        sf_close(src);
        return damaged(file, std::string("cannot write ") + tmp.string() + ": " + sf_strerror(nullptr));
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
            return damaged(file, "cannot write the re-encoded copy (disk full?)");
        }
        frames += std::uint64_t(n);
    }
    sf_close(src);
    if (sf_close(dst) != 0) {
        std::filesystem::remove(tmp);
        return damaged(file, "cannot finish the re-encoded copy");
    }
    if (const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    if (ec)
        return damaged(file, "cannot replace it with the repaired copy (" + ec.message() + ")");
    return frames;
}

} // namespace

Result<std::uint64_t> repairAudioFile(const std::filesystem::path& file, std::uint64_t maxFrames)
{
    Result<std::uint64_t> frames = std::uint64_t(0);
    {
        RawFile f(file);
        if (!f.ok())
            return damaged(file, std::strerror(errno));
        if (f.tagIs(0, "RIFF") && f.tagIs(8, "WAVE"))
            frames = repairRiff(f, file, false, maxFrames);
        else if (f.tagIs(0, "RF64") && f.tagIs(8, "WAVE"))
            frames = repairRiff(f, file, true, maxFrames);
        else if (f.tagIs(0, "riff"))
            frames = repairW64(f, file, maxFrames);
        else if (f.tagIs(0, "caff"))
            frames = repairCaf(f, file, maxFrames);
        else if (f.tagIs(0, "fLaC"))
            frames = std::uint64_t(UINT64_MAX); // below, once the raw file is closed
        else
            return damaged(file, "not a WAV, RF64, W64, CAF or FLAC file");
        if (frames && *frames != UINT64_MAX)
            f.sync();
    }
    if (frames && *frames == UINT64_MAX)
        frames = repairFlac(file, maxFrames);
    return frames;
}

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
        TakeManifest& m = *manifest;
        if (m.complete)
            continue;
        RepairedTake take;
        take.folder = entry.path();
        std::vector<std::uint64_t> segmentFrames(m.segments.size(), UINT64_MAX);
        for (const auto& src : m.sources) {
            for (std::size_t seg = 0; seg < src.files.size(); ++seg) {
                const std::filesystem::path file = entry.path() / src.files[seg];
                if (!std::filesystem::exists(file)) {
                    if (seg < segmentFrames.size())
                        segmentFrames[seg] = 0;
                    continue;
                }
                auto frames = repairAudioFile(file);
                if (!frames) {
                    report.problems.push_back(frames.error().message);
                    continue;
                }
                take.files.push_back(RepairedFile {file, *frames});
                if (seg < segmentFrames.size())
                    segmentFrames[seg] = std::min(segmentFrames[seg], *frames);
            }
        }
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
        take.durationFrames = duration;
        std::filesystem::remove(entry.path() / ".space-reserve", ec);
        std::filesystem::remove(entry.path() / "take.yaml.tmp", ec);
        if (auto w = writeManifest(yaml, m); !w) {
            report.problems.push_back(w.error().message);
            continue;
        }
        report.repaired.push_back(std::move(take));
    }
    return report;
}

} // namespace backline::record
