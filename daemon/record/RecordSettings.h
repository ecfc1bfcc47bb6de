// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/RecordFormat.h"
#include "core/Result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace backline::record {

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
    FileFormat format = defaultFileFormat;
    SampleBits bits = defaultSampleBits;
    /// Frames per second of every source (JACK's rate when live).
    int sampleRate = 48000;
    /// Capacity of each source's ring, in seconds: how long the disk may stall without loss.
    double ringSeconds = ringSecondsRange.byDefault;
    /// Seconds kept in memory before a start (retroactive record); 0 keeps none.
    double prerollSeconds = prerollSecondsRange.byDefault;
    /// start() refuses when the record folder's disk has less free space than this.
    std::uint64_t minFreeMb = std::uint64_t(minFreeMbRange.byDefault);
    /// Interval between header refreshes; at most headerRefreshSecondsRange.max.
    double headerRefreshSeconds = headerRefreshSecondsRange.byDefault;
    Durability durability = Durability::SyncEveryRefresh;
};

/// [any] Checks every value of settings against core/RecordFormat.h's rules; the message
/// names the session key at fault.
Result<void> validateSettings(const RecordSettings& settings);

/// [any] File extension with its dot (`.wav` for WAV and RF64).
std::string_view formatExtension(FileFormat format);
/// [any] The libsndfile SF_FORMAT_* value, or an error for FLAC with float samples.
Result<int> sndfileFormat(FileFormat format, SampleBits bits);

} // namespace backline::record
