// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace backline::record {

/// The container a take's files are written in.
enum class FileFormat {
    Wav,  ///< RIFF WAVE: stops at 4 GiB (about 6 h of mono 24-bit 48 kHz)
    Rf64, ///< RF64 (EBU Tech 3306): WAVE with 64-bit sizes, the default
    W64,  ///< Sony Wave64
    Caf,  ///< Apple Core Audio Format
    Flac, ///< FLAC, lossless compressed (16 or 24 bits)
};

/// How each sample is stored.
enum class SampleBits {
    Int16,
    Int24,
    Float32,
};

/// Whether file contents are forced to the disk when headers are refreshed.
enum class Durability {
    /// fdatasync every file at each header refresh: survives a power cut (the default).
    SyncEveryRefresh,
    /// Leave the data to the kernel's writeback: survives a crash of the daemon (SIGKILL)
    /// but a power cut may lose the last ~30 s. For benchmarks and tests.
    KernelWriteback,
};

/// Everything the recorder is configured with (the session's `record:` map, resolved).
struct RecordSettings {
    /// Folder under which every take folder is created; created if missing.
    std::filesystem::path folder;
    FileFormat format = FileFormat::Rf64;
    SampleBits bits = SampleBits::Int24;
    /// Frames per second of every source (JACK's rate when live).
    int sampleRate = 48000;
    /// Capacity of each source's ring, in seconds: how long the disk may stall without loss.
    double ringSeconds = 4.0;
    /// Seconds kept in memory before a start (retroactive record); 0 keeps none.
    double prerollSeconds = 0.0;
    /// start() refuses when the record folder's disk has less free space than this.
    std::uint64_t minFreeMb = 1024;
    /// Interval between header refreshes; at most config::recordMaxHeaderRefreshSeconds.
    double headerRefreshSeconds = 0.5;
    Durability durability = Durability::SyncEveryRefresh;
};

/// [any] Checks every value of settings; the message names the session key at fault.
Result<void> validateSettings(const RecordSettings& settings);

/// [any] `wav`, `rf64`, `w64`, `caf`, `flac` (case-insensitive) → FileFormat.
Result<FileFormat> parseFileFormat(std::string_view text);
/// [any] 16, 24, 32 → SampleBits (32 is float).
Result<SampleBits> parseSampleBits(int bits);
/// [any] The session spelling of a format (`rf64`).
std::string_view formatName(FileFormat format);
/// [any] Bits per sample as written in the session (16, 24, 32).
int bitsValue(SampleBits bits);
/// [any] File extension with its dot (`.wav` for WAV and RF64).
std::string_view formatExtension(FileFormat format);
/// [any] The libsndfile SF_FORMAT_* value, or an error for FLAC with float samples.
Result<int> sndfileFormat(FileFormat format, SampleBits bits);

} // namespace backline::record
