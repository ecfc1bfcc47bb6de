// SPDX-License-Identifier: GPL-3.0-or-later
// Which formats and sample widths a take may use (RecordFormat.h); any thread but audio.
#include "core/RecordFormat.h"

#include <fmt/format.h>

#include <array>
#include <cctype>

namespace backline::record {

namespace {

constexpr std::array allFormats {FileFormat::Rf64, FileFormat::Wav, FileFormat::W64, FileFormat::Caf, FileFormat::Flac};

bool sameLetters(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

} // namespace

Result<FileFormat> parseFileFormat(std::string_view text)
{
    for (const FileFormat format : allFormats)
        if (sameLetters(text, formatName(format)))
            return format;
    return makeError(ErrorCode::Session, fmt::format("'format' must be rf64, wav, w64, caf or flac, got '{}'", text));
}

Result<SampleBits> parseSampleBits(int bits)
{
    for (const SampleBits width : {SampleBits::Int16, SampleBits::Int24, SampleBits::Float32})
        if (bits == bitsValue(width))
            return width;
    return makeError(ErrorCode::Session, fmt::format("'bits' must be 16, 24 or 32 (float), got {}", bits));
}

Result<void> checkFormatBits(FileFormat format, SampleBits bits)
{
    if (format == FileFormat::Flac && bits == SampleBits::Float32)
        return makeError(ErrorCode::Session,
            "'flac' records 16 or 24 bits; use bits: 24 (or format: caf/w64/rf64 for 32-bit float)");
    return {};
}

} // namespace backline::record
