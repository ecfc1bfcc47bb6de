// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace backline::session {

/// The candidate a mistyped word most likely meant ("gian" → "gain"), or nothing when none
/// is close enough to be worth suggesting. Case is ignored; a swap of two neighbouring
/// letters counts as one edit.
std::optional<std::string_view> closestMatch(std::string_view word, std::span<const std::string_view> candidates);

} // namespace backline::session
