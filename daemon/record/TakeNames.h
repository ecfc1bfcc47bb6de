// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

/// How takes, sources and their files are named, and what names are refused.
namespace backline::record {

/// [any] A take name becomes part of a folder name: 1 … 64 characters of `A-Z a-z 0-9 _ - .`,
/// not starting with '.', so no '/', '..', absolute path or control character can leave the
/// record folder.
Result<void> validateTakeName(std::string_view name);
/// [any] A source id: slash-separated non-empty words of `A-Z a-z 0-9 _ -`
/// (`track/vox/input`, `bus/verb`, `master`).
Result<void> validateSourceId(std::string_view id);
/// [any] The file name stem of a source: `track/vox/input` → `track-vox-input`, with
/// `-seg<N>` appended from the second segment on.
std::string sourceFileStem(std::string_view id, int segment);
/// [any] `YYYY-MM-DD_HH-MM-SS_<name>` in local time.
std::string takeFolderName(std::chrono::system_clock::time_point when, std::string_view name);
/// [any] ISO 8601 local time with milliseconds and UTC offset (`2025-05-01T21:03:07.125+02:00`).
std::string isoTimestamp(std::chrono::system_clock::time_point when);
/// [disk] Creates `<root>/<base>`, or `<base>_2`, `_3` … if taken: a take never overwrites another.
Result<std::filesystem::path> createUniqueFolder(const std::filesystem::path& root, const std::string& base);

} // namespace backline::record
