// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <span>
#include <string_view>

/// "Did you mean": the one nearest-name rule behind every suggestion backline makes, for an
/// unknown OSC address as for an unknown session key or name, so both suggest alike.
namespace backline {

/// [any] The candidate a mistyped word most likely meant ("gian" → "gain"), or nothing when
/// none is close enough to be worth suggesting. Case is ignored; a swap of two neighbouring
/// letters counts as one edit; words of up to 4 letters tolerate one edit, longer ones two.
/// Of equally close candidates the first wins.
std::optional<std::string_view> closestMatch(std::string_view word, std::span<const std::string_view> candidates);

} // namespace backline
