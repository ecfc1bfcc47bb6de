// SPDX-License-Identifier: GPL-3.0-or-later
// MeterBank: the meters as surfaces read them — per-block levels from the audio thread turned
// into ballistics, and the master's loudness — computed on the meter thread ("meters").
#pragma once

#include "core/AudioRing.h"
#include "engine/Engine.h"
#include "meter/LoudnessMeter.h"
#include "port/Meters.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace backline::meter {

// The readings cross the control port as they are (port/Meters.h).
using port::Level;
using port::MeterReading;
using port::MeterSnapshot;

/// Turns the audio thread's per-block levels into meter readings (peak with hold and fall,
/// RMS over 300 ms) and the master's tap into EBU R128 loudness, on a thread of its own.
class MeterBank {
public:
    /// [control] Meters engine; the loudness meter runs at sampleRate.
    MeterBank(engine::Engine& engine, int sampleRate);
    /// [control] Stops the meter thread.
    ~MeterBank();
    MeterBank(const MeterBank&) = delete;
    MeterBank& operator=(const MeterBank&) = delete;

    /// [control] Names the meters of a newly installed graph; readings start afresh.
    void adopt(const engine::Graph& graph);
    int sampleRate() const noexcept { return sampleRate_; }
    /// [control] The ring the master tap must feed (2 channels) for loudness: its producer is
    /// the audio thread (through the tap set the daemon installs with it), its consumer the
    /// meter thread (poll()).
    AudioRing& masterRing() noexcept { return masterRing_; }

    /// [control] Starts the meter thread (polls every 20 ms).
    void start();
    /// [meter thread, or a test] Drains what the audio thread reported so far.
    void poll();

    /// [any] The current readings (the OSC thread, for meter streams).
    MeterSnapshot snapshot() const;
    /// [any] Restarts integrated loudness, loudness range and true peak.
    void resetLoudness();

private:
    struct Meter {
        std::string name;
        double heldPeak[2] {0.0, 0.0};
        std::uint64_t heldAt[2] {0, 0}; ///< frame the held peak was set at
        std::deque<std::pair<std::uint32_t, double>> energy[2]; ///< (frames, sum of squares) per event
        std::uint64_t energyFrames[2] {0, 0};
        double energySum[2] {0.0, 0.0};
    };
    void run();
    Level levelOf(const Meter& meter) const;

    engine::Engine& engine_;
    int sampleRate_;
    AudioRing masterRing_;
    mutable std::mutex mutex_; // guards everything below (meter thread vs readers)
    std::uint64_t generation_ = 0;
    std::vector<Meter> meters_;
    std::uint64_t now_ = 0; ///< frames metered on the master so far (the meters' clock)
    LoudnessMeter loudness_;
    bool resetRequested_ = false;
    std::vector<float> scratch_;
    std::atomic<bool> running_ {false};
    std::thread thread_;
};

} // namespace backline::meter
