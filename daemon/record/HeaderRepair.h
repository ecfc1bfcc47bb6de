// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <cstdint>
#include <filesystem>

namespace backline::record {

/// [control, disk] Rewrites one audio file's header so it describes every whole frame the file
/// holds, at most maxFrames (a trailing partial frame and every frame past maxFrames are cut);
/// returns the frames it holds. WAV, RF64, W64 and CAF are cut in place (no new space needed,
/// so it works on a full disk); FLAC is re-encoded into a copy, which needs room for it.
Result<std::uint64_t> repairAudioFile(const std::filesystem::path& file, std::uint64_t maxFrames = UINT64_MAX);

} // namespace backline::record
