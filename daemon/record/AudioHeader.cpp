// SPDX-License-Identifier: GPL-3.0-or-later
// Reading WAV, RF64, W64 and CAF chunk layouts from a file's bytes ([control, disk]).
#include "record/AudioHeader.h"

#include <array>
#include <cstring>
#include <optional>
#include <vector>

namespace backline::record {

namespace {

/// How a container lays its chunks out.
struct ChunkShape {
    std::uint64_t first;       ///< where the first chunk starts
    std::uint64_t headerBytes; ///< bytes before a chunk's payload
    /// Where the chunk at pos ends (and the next begins), or nullopt when its size is nonsense.
    std::optional<std::uint64_t> (*end)(const RawFile& f, std::uint64_t pos);
};

/// RIFF and RF64: an id and a 32-bit little-endian size, padded to an even size.
constexpr ChunkShape riffChunks {12, 8, [](const RawFile& f, std::uint64_t pos) -> std::optional<std::uint64_t> {
    const std::uint64_t size = f.le<std::uint32_t>(pos + 4).value_or(0);
    return pos + 8 + size + (size & 1);
}};
/// W64: a 16-byte GUID whose first four bytes name the chunk, a 64-bit little-endian size
/// that counts the header, chunks aligned to 8 bytes.
constexpr ChunkShape w64Chunks {40, 24, [](const RawFile& f, std::uint64_t pos) -> std::optional<std::uint64_t> {
    const std::uint64_t size = f.le<std::uint64_t>(pos + 16).value_or(0);
    if (size < 24)
        return std::nullopt;
    return pos + (size + 7) / 8 * 8;
}};
/// CAF: an id and a 64-bit big-endian size.
constexpr ChunkShape cafChunks {8, 12, [](const RawFile& f, std::uint64_t pos) -> std::optional<std::uint64_t> {
    const auto size = std::int64_t(f.be<std::uint64_t>(pos + 4).value_or(0));
    if (size < 0)
        return std::nullopt;
    return pos + 12 + std::uint64_t(size);
}};

/// One chunk: its id and where its payload starts.
struct Chunk {
    std::array<char, 4> id {};
    std::uint64_t payload = 0;

    bool is(const char* tag) const { return std::memcmp(id.data(), tag, 4) == 0; }
};

/// The chunks of f in order, up to its data chunk (the audio runs from there to the end of the
/// file, whatever its size field says) or as far as sizes make sense.
std::vector<Chunk> chunksOf(const RawFile& f, const ChunkShape& shape)
{
    std::vector<Chunk> chunks;
    const std::uint64_t len = f.length();
    for (std::uint64_t pos = shape.first; pos + shape.headerBytes <= len;) {
        Chunk& chunk = chunks.emplace_back();
        f.read(pos, chunk.id.data(), 4);
        chunk.payload = pos + shape.headerBytes;
        if (chunk.is("data"))
            break;
        const auto end = shape.end(f, pos);
        if (!end)
            break;
        pos = *end;
    }
    return chunks;
}

/// WAVE (RIFF or RF64) and W64 name the same chunks: 'fmt ' (block align at 12), 'fact', 'data'.
Result<AudioHeader> readWaveLike(const RawFile& f, const std::filesystem::path& file, Container container)
{
    AudioHeader h;
    h.container = container;
    for (const Chunk& chunk : chunksOf(f, container == Container::W64 ? w64Chunks : riffChunks)) {
        if (chunk.is("data"))
            h.dataChunk = chunk.payload;
        else if (chunk.is("ds64"))
            h.ds64 = chunk.payload;
        else if (chunk.is("fmt "))
            h.frameBytes = f.le<std::uint16_t>(chunk.payload + 12).value_or(0);
        else if (chunk.is("fact"))
            h.fact = chunk.payload;
    }
    if (h.dataChunk == 0 || h.frameBytes == 0)
        return cannotRepair(file, "no 'fmt ' or 'data' chunk");
    h.audioStart = h.dataChunk;
    return h;
}

/// CAF: bytes per packet in 'desc', the audio in 'data' after a 4-byte edit count.
Result<AudioHeader> readCaf(const RawFile& f, const std::filesystem::path& file)
{
    AudioHeader h;
    h.container = Container::Caf;
    for (const Chunk& chunk : chunksOf(f, cafChunks)) {
        if (chunk.is("data"))
            h.dataChunk = chunk.payload;
        else if (chunk.is("desc"))
            h.frameBytes = f.be<std::uint32_t>(chunk.payload + 16).value_or(0);
    }
    if (h.dataChunk == 0 || h.frameBytes == 0)
        return cannotRepair(file, "no 'desc' or 'data' chunk");
    h.audioStart = h.dataChunk + 4;
    return h;
}

} // namespace

Result<AudioHeader> readAudioHeader(const RawFile& f, const std::filesystem::path& file)
{
    if (f.tagIs(0, "RIFF") && f.tagIs(8, "WAVE"))
        return readWaveLike(f, file, Container::Wav);
    if (f.tagIs(0, "RF64") && f.tagIs(8, "WAVE"))
        return readWaveLike(f, file, Container::Rf64);
    if (f.tagIs(0, "riff"))
        return readWaveLike(f, file, Container::W64);
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
