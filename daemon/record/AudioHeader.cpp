// SPDX-License-Identifier: GPL-3.0-or-later
// Reading WAV, RF64, W64 and CAF chunk layouts from a file's bytes ([control, disk]).
#include "record/AudioHeader.h"

#include <cstring>

namespace backline::record {

namespace {

/// RIFF and RF64: 8-byte chunk headers (id, 32-bit size), padded to even sizes.
Result<AudioHeader> readRiff(const RawFile& f, const std::filesystem::path& file, Container container)
{
    AudioHeader h;
    h.container = container;
    std::uint64_t pos = 12;
    const std::uint64_t len = f.length();
    while (pos + 8 <= len) {
        char id[4];
        f.read(pos, id, 4);
        const std::uint64_t size = f.le<std::uint32_t>(pos + 4).value_or(0);
        if (std::memcmp(id, "data", 4) == 0) {
            h.dataChunk = pos + 8;
            break;
        }
        if (std::memcmp(id, "ds64", 4) == 0)
            h.ds64 = pos + 8;
        else if (std::memcmp(id, "fmt ", 4) == 0)
            h.frameBytes = f.le<std::uint16_t>(pos + 8 + 12).value_or(0);
        else if (std::memcmp(id, "fact", 4) == 0)
            h.fact = pos + 8;
        pos += 8 + size + (size & 1);
    }
    if (h.dataChunk == 0 || h.frameBytes == 0)
        return cannotRepair(file, "no 'fmt ' or 'data' chunk");
    h.audioStart = h.dataChunk;
    return h;
}

/// W64: 24-byte chunk headers (16-byte GUID whose first four bytes name it, 64-bit size
/// counting the header), aligned to 8 bytes.
Result<AudioHeader> readW64(const RawFile& f, const std::filesystem::path& file)
{
    AudioHeader h;
    h.container = Container::W64;
    std::uint64_t pos = 40;
    const std::uint64_t len = f.length();
    while (pos + 24 <= len) {
        char id[4];
        f.read(pos, id, 4);
        const std::uint64_t size = f.le<std::uint64_t>(pos + 16).value_or(0);
        if (std::memcmp(id, "data", 4) == 0) {
            h.dataChunk = pos + 24;
            break;
        }
        if (std::memcmp(id, "fmt ", 4) == 0)
            h.frameBytes = f.le<std::uint16_t>(pos + 24 + 12).value_or(0);
        else if (std::memcmp(id, "fact", 4) == 0)
            h.fact = pos + 24;
        if (size < 24)
            break;
        pos += (size + 7) / 8 * 8;
    }
    if (h.dataChunk == 0 || h.frameBytes == 0)
        return cannotRepair(file, "no 'fmt ' or 'data' chunk");
    h.audioStart = h.dataChunk;
    return h;
}

/// CAF: big-endian, 12-byte chunk headers (id, 64-bit size).
Result<AudioHeader> readCaf(const RawFile& f, const std::filesystem::path& file)
{
    AudioHeader h;
    h.container = Container::Caf;
    std::uint64_t pos = 8;
    const std::uint64_t len = f.length();
    while (pos + 12 <= len) {
        char id[4];
        f.read(pos, id, 4);
        const auto size = std::int64_t(f.be<std::uint64_t>(pos + 4).value_or(0));
        if (std::memcmp(id, "data", 4) == 0) {
            h.dataChunk = pos + 12;
            break;
        }
        if (std::memcmp(id, "desc", 4) == 0)
            h.frameBytes = f.be<std::uint32_t>(pos + 12 + 16).value_or(0);
        if (size < 0)
            break;
        pos += 12 + std::uint64_t(size);
    }
    if (h.dataChunk == 0 || h.frameBytes == 0)
        return cannotRepair(file, "no 'desc' or 'data' chunk");
    // The data chunk starts with a 4-byte edit count, then the audio.
    h.audioStart = h.dataChunk + 4;
    return h;
}

} // namespace

Result<AudioHeader> readAudioHeader(const RawFile& f, const std::filesystem::path& file)
{
    if (f.tagIs(0, "RIFF") && f.tagIs(8, "WAVE"))
        return readRiff(f, file, Container::Wav);
    if (f.tagIs(0, "RF64") && f.tagIs(8, "WAVE"))
        return readRiff(f, file, Container::Rf64);
    if (f.tagIs(0, "riff"))
        return readW64(f, file);
    if (f.tagIs(0, "caff"))
        return readCaf(f, file);
    if (f.tagIs(0, "fLaC")) {
        AudioHeader h;
        h.container = Container::Flac;
        return h;
    }
    return cannotRepair(file, "not a WAV, RF64, W64, CAF or FLAC file");
}

} // namespace backline::record
