// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "record/RawFile.h"

#include <cstdint>
#include <filesystem>

/// Internal to the recorder: what an audio file's header says, read straight from its bytes
/// (a crash leaves headers libsndfile would trust wrongly or refuse). [control, disk]
namespace backline::record {

/// The containers a take's files come in, told by their first bytes.
enum class Container { Wav, Rf64, W64, Caf, Flac };

/// Where a file's audio lies and which header fields count it, as its chunks say. Positions
/// are byte offsets in the file; 0 means the chunk is absent.
struct AudioHeader {
    Container container = Container::Wav;
    std::uint64_t dataChunk = 0;  ///< the data chunk's payload; its size field sits just before
    std::uint64_t audioStart = 0; ///< the first byte of audio (CAF: after the data chunk's edit count)
    std::uint64_t frameBytes = 0; ///< bytes per frame (WAVE and W64: block align; CAF: bytes per packet)
    std::uint64_t ds64 = 0;       ///< RF64: the ds64 chunk's payload (the 64-bit sizes)
    std::uint64_t fact = 0;       ///< WAVE and W64: the fact chunk's payload (a frame count)
};

/// Reads f's container and, but for FLAC (whose stream libsndfile reads), where its audio and
/// its counts lie. Fails, naming file, when it is none of the five or lacks a format or data chunk.
Result<AudioHeader> readAudioHeader(const RawFile& f, const std::filesystem::path& file);

} // namespace backline::record
