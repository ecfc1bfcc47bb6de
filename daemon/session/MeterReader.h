// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SongSpec.h"
#include "session/YamlReader.h"

#include <string_view>

/// Internal to the session library: a `meter: [num, den]` value ([control]).
namespace backline::session {

/// Reads `meter: [num, den]` by the transport's rule (core/TransportRules.h); a message points
/// at the number at fault and names where the meter is (context: "in 'transport'", "in song 'x'").
Result<MeterSpec> readMeter(const YamlReader& yaml, const YamlEntry& field, std::string_view context);

} // namespace backline::session
