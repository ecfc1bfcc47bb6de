// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <cstdint>
#include <string_view>

/// What a take may be written as, and the ranges of the `record:` settings: the one statement
/// of these rules, read by the session loader (which points at the line at fault) and by the
/// recorder (which checks whatever settings it is given). Both call it; neither lists formats,
/// widths or ranges of its own, so a session the loader accepts is one the recorder can write.
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

/// What a take is written as when the session does not say.
inline constexpr FileFormat defaultFileFormat = FileFormat::Rf64;
/// How wide a sample is when the session does not say.
inline constexpr SampleBits defaultSampleBits = SampleBits::Int24;

/// The values a numeric `record:` setting may take, and the one it has when left out.
struct SettingRange {
    double min;
    double max;
    double byDefault;
};

/// `ring_seconds`: how long the disk may stall before frames are lost.
inline constexpr SettingRange ringSecondsRange {0.5, 120.0, 4.0};
/// `preroll_seconds`: how much is kept before a start (retroactive record).
inline constexpr SettingRange prerollSecondsRange {0.0, 600.0, 0.0};
/// `header_refresh_seconds`: the most a crash may lose (the crash-safety promise).
inline constexpr SettingRange headerRefreshSecondsRange {0.05, 1.0, 0.5};
/// `min_free_mb`: a start is refused on a disk with less free space than this.
inline constexpr SettingRange minFreeMbRange {0.0, 100'000'000.0, 1024.0};

/// [any] The session spelling of a format (`rf64`).
constexpr std::string_view formatName(FileFormat format)
{
    switch (format) {
    case FileFormat::Wav:
        return "wav";
    case FileFormat::Rf64:
        return "rf64";
    case FileFormat::W64:
        return "w64";
    case FileFormat::Caf:
        return "caf";
    case FileFormat::Flac:
        return "flac";
    }
    return "?";
}

/// [any] Bits per sample as written in the session (16, 24, 32).
constexpr int bitsValue(SampleBits bits)
{
    switch (bits) {
    case SampleBits::Int16:
        return 16;
    case SampleBits::Int24:
        return 24;
    case SampleBits::Float32:
        return 32;
    }
    return 0;
}

/// [any] `wav`, `rf64`, `w64`, `caf`, `flac` (case-insensitive) → FileFormat; the message of a
/// failure says what `format` may be, without a location (the caller knows it).
Result<FileFormat> parseFileFormat(std::string_view text);
/// [any] 16, 24, 32 → SampleBits (32 is float); the message says what `bits` may be.
Result<SampleBits> parseSampleBits(int bits);
/// [any] Whether format can store samples of this width (FLAC holds integers only).
Result<void> checkFormatBits(FileFormat format, SampleBits bits);

} // namespace backline::record
