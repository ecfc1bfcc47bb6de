// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

/// The recorder's compile-time limits (they extend core/Config.h's namespace so every limit
/// of the daemon is still found under backline::config).
namespace backline::config {

/// How often the disk writer wakes to drain the rings. Each wake writes everything the rings
/// hold, so at 48 kHz a file receives ~4800 frames per write: large enough for the disk,
/// small against the ring (seconds).
inline constexpr std::chrono::milliseconds recordDrainPeriod {100};
/// How often, at most, take.yaml is rewritten while recording (also on every marker and
/// segment change) so a crash keeps the markers.
inline constexpr std::chrono::seconds recordManifestPeriod {2};
/// How often free space is measured during a take.
inline constexpr std::chrono::seconds recordDiskCheckPeriod {1};
/// Space set aside in each take folder so take.yaml can still be written when the disk fills.
inline constexpr std::size_t recordReserveBytes = 1 << 20;
/// Sources one recorder can capture.
inline constexpr std::size_t recordMaxSources = 256;
/// Channels of one recorded source.
inline constexpr int recordMaxChannels = 8;
/// Longest take name (it is part of a folder name).
inline constexpr std::size_t recordMaxNameLength = 64;
/// How long stop() waits for sources that are a block behind the others before padding them.
inline constexpr std::chrono::milliseconds recordAlignWait {50};

} // namespace backline::config
