// SPDX-License-Identifier: GPL-3.0-or-later
// The recorder's settings checked, and formats mapped to libsndfile's; any thread but audio.
#include "record/RecordSettings.h"

#include <fmt/format.h>
#include <sndfile.h>

namespace backline::record {

namespace {

Error settingsError(std::string message)
{
    return makeError(ErrorCode::Session, "record: " + std::move(message));
}

/// "'key' must be from min to max…, got value" for a setting outside its range.
Error outOfRange(std::string_view key, const SettingRange& range, std::string_view why, double value)
{
    return settingsError(fmt::format("'{}' must be from {} to {}{}, got {}", key, range.min, range.max, why, value));
}

} // namespace

Result<void> validateSettings(const RecordSettings& s)
{
    if (s.folder.empty())
        return settingsError("'folder' is empty: name the folder takes are written under");
    if (s.sampleRate < 8000 || s.sampleRate > 384000)
        return settingsError("sample rate " + std::to_string(s.sampleRate) + " Hz is outside 8000 … 384000");
    if (!(s.ringSeconds >= ringSecondsRange.min && s.ringSeconds <= ringSecondsRange.max))
        return outOfRange("ring_seconds", ringSecondsRange, " (how long the disk may stall)", s.ringSeconds);
    if (!(s.prerollSeconds >= prerollSecondsRange.min && s.prerollSeconds <= prerollSecondsRange.max))
        return outOfRange("preroll_seconds", prerollSecondsRange, "", s.prerollSeconds);
    if (!(s.headerRefreshSeconds >= headerRefreshSecondsRange.min
            && s.headerRefreshSeconds <= headerRefreshSecondsRange.max))
        return outOfRange("header_refresh_seconds", headerRefreshSecondsRange,
            " s (a crash may lose at most that much)", s.headerRefreshSeconds);
    if (auto f = sndfileFormat(s.format, s.bits); !f)
        return f.error();
    return {};
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
    if (auto pair = checkFormatBits(format, bits); !pair)
        return settingsError(pair.error().message);
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
        sample = SF_FORMAT_FLOAT;
        break;
    }
    return container | sample;
}

} // namespace backline::record
