// SPDX-License-Identifier: GPL-3.0-or-later
#include "record/RecordSettings.h"

#include "record/RecordConfig.h"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace backline::record {

namespace {

Error settingsError(std::string message)
{
    return makeError(ErrorCode::Session, "record: " + std::move(message));
}

} // namespace

Result<void> validateSettings(const RecordSettings& s)
{
    if (s.folder.empty())
        return settingsError("'folder' is empty: name the folder takes are written under");
    if (s.sampleRate < 8000 || s.sampleRate > 384000)
        return settingsError("sample rate " + std::to_string(s.sampleRate) + " Hz is outside 8000 … 384000");
    if (!(s.ringSeconds >= 0.5 && s.ringSeconds <= 120))
        return settingsError("'ring_seconds' must be from 0.5 to 120 (how long the disk may stall), got "
            + std::to_string(s.ringSeconds));
    if (!(s.prerollSeconds >= 0 && s.prerollSeconds <= 600))
        return settingsError("'preroll_seconds' must be from 0 to 600, got " + std::to_string(s.prerollSeconds));
    if (!(s.headerRefreshSeconds >= 0.05 && s.headerRefreshSeconds <= config::recordMaxHeaderRefreshSeconds))
        return settingsError("the header refresh interval must be from 0.05 to 1 s (a crash may lose at most "
                             "that much), got "
            + std::to_string(s.headerRefreshSeconds));
    if (auto f = sndfileFormat(s.format, s.bits); !f)
        return f.error();
    return {};
}

Result<FileFormat> parseFileFormat(std::string_view text)
{
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == "wav")
        return FileFormat::Wav;
    if (lower == "rf64")
        return FileFormat::Rf64;
    if (lower == "w64")
        return FileFormat::W64;
    if (lower == "caf")
        return FileFormat::Caf;
    if (lower == "flac")
        return FileFormat::Flac;
    return settingsError("unknown format '" + std::string(text) + "': use rf64 (default), wav, w64, caf or flac");
}

Result<SampleBits> parseSampleBits(int bits)
{
    switch (bits) {
    case 16:
        return SampleBits::Int16;
    case 24:
        return SampleBits::Int24;
    case 32:
        return SampleBits::Float32;
    default:
        return settingsError("'bits' must be 16, 24 or 32 (float), got " + std::to_string(bits));
    }
}

std::string_view formatName(FileFormat format)
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

int bitsValue(SampleBits bits)
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

std::string_view formatExtension(FileFormat format)
{
    switch (format) {
    case FileFormat::Wav:
    case FileFormat::Rf64:
        return ".wav";
    case FileFormat::W64:
        return ".w64";
    case FileFormat::Caf:
        return ".caf";
    case FileFormat::Flac:
        return ".flac";
    }
    return ".wav";
}

Result<int> sndfileFormat(FileFormat format, SampleBits bits)
{
    int container = 0;
    switch (format) {
    case FileFormat::Wav:
        container = SF_FORMAT_WAV;
        break;
    case FileFormat::Rf64:
        container = SF_FORMAT_RF64;
        break;
    case FileFormat::W64:
        container = SF_FORMAT_W64;
        break;
    case FileFormat::Caf:
        container = SF_FORMAT_CAF;
        break;
    case FileFormat::Flac:
        container = SF_FORMAT_FLAC;
        break;
    }
    int sample = 0;
    switch (bits) {
    case SampleBits::Int16:
        sample = SF_FORMAT_PCM_16;
        break;
    case SampleBits::Int24:
        sample = SF_FORMAT_PCM_24;
        break;
    case SampleBits::Float32:
        if (format == FileFormat::Flac)
            return settingsError("FLAC stores 16 or 24-bit integers: set 'bits' to 16 or 24, or use rf64 for 32-bit float");
        sample = SF_FORMAT_FLOAT;
        break;
    }
    return container | sample;
}

} // namespace backline::record
