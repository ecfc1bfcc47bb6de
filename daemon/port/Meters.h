// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace backline::port {

/// Peak and RMS of one stereo meter, in dBFS (-inf for silence).
struct Level {
    double peakDb[2] {-HUGE_VAL, -HUGE_VAL};
    double rmsDb[2] {-HUGE_VAL, -HUGE_VAL};
};

/// One named meter ("track/vox", "bus/verb", "master").
struct MeterReading {
    std::string name;
    Level level;
};

/// EBU R128 loudness of the master: momentary, short-term and integrated loudness, loudness
/// range and true peak.
struct Loudness {
    double momentary = -HUGE_VAL;  ///< LUFS, 400 ms window
    double shortTerm = -HUGE_VAL;  ///< LUFS, 3 s window
    double integrated = -HUGE_VAL; ///< LUFS, gated, since the last reset
    double range = 0.0;            ///< LU (loudness range, EBU Tech 3342)
    double truePeak = -HUGE_VAL;   ///< dBTP, maximum of both channels since the last reset
};

/// Everything the meters show at one moment.
struct MeterSnapshot {
    std::vector<MeterReading> meters; ///< tracks, then buses, then the master
    Loudness loudness;                ///< of the master
};

} // namespace backline::port
