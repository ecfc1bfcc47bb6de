// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

/// Internal to the recorder: an audio file opened for header surgery, byte by byte, below
/// libsndfile (which refuses a file whose header a crash left stale). [control, disk]
namespace backline::record {

/// An open file read and written at positions (pread/pwrite), with little- and big-endian
/// fields: RIFF, RF64 and W64 are little-endian, CAF big-endian.
class RawFile {
public:
    /// Opens file for reading and writing; ok() says whether it opened.
    explicit RawFile(const std::filesystem::path& file)
        : fd_(::open(file.c_str(), O_RDWR | O_CLOEXEC))
    {
    }
    ~RawFile()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    RawFile(const RawFile&) = delete;
    RawFile& operator=(const RawFile&) = delete;

    /// Whether the file opened (errno says why not).
    bool ok() const { return fd_ >= 0; }
    /// The file's length in bytes (0 when it cannot be told).
    std::uint64_t length() const
    {
        const off_t end = ::lseek(fd_, 0, SEEK_END);
        return end < 0 ? 0 : std::uint64_t(end);
    }
    /// Reads n bytes at pos; false unless all were read.
    bool read(std::uint64_t pos, void* out, std::size_t n) const { return ::pread(fd_, out, n, off_t(pos)) == ssize_t(n); }
    /// Writes n bytes at pos; false unless all were written.
    bool write(std::uint64_t pos, const void* in, std::size_t n) { return ::pwrite(fd_, in, n, off_t(pos)) == ssize_t(n); }
    /// Cuts the file to len bytes.
    bool truncate(std::uint64_t len) { return ::ftruncate(fd_, off_t(len)) == 0; }
    /// Forces the file to the disk.
    bool sync() { return ::fsync(fd_) == 0; }

    /// The little-endian T at pos, or nullopt past the end.
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
    /// The big-endian T at pos, or nullopt past the end.
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
    /// Writes v little-endian at pos.
    template <typename T>
    bool putLe(std::uint64_t pos, T v)
    {
        std::array<unsigned char, sizeof(T)> b {};
        for (std::size_t i = 0; i < sizeof(T); ++i)
            b[i] = static_cast<unsigned char>(std::uint64_t(v) >> (8 * i));
        return write(pos, b.data(), b.size());
    }
    /// Writes v big-endian at pos.
    template <typename T>
    bool putBe(std::uint64_t pos, T v)
    {
        std::array<unsigned char, sizeof(T)> b {};
        for (std::size_t i = 0; i < sizeof(T); ++i)
            b[sizeof(T) - 1 - i] = static_cast<unsigned char>(std::uint64_t(v) >> (8 * i));
        return write(pos, b.data(), b.size());
    }
    /// Whether the four bytes at pos are tag (a chunk or file id, e.g. "RIFF").
    bool tagIs(std::uint64_t pos, const char* tag) const
    {
        char b[4];
        return read(pos, b, 4) && std::memcmp(b, tag, 4) == 0;
    }

private:
    int fd_;
};

/// "file: cannot repair (why)": the error of every step of a file's repair.
inline Error cannotRepair(const std::filesystem::path& file, const std::string& why)
{
    return makeError(ErrorCode::Io, file.string() + ": cannot repair (" + why + ")");
}

} // namespace backline::record
