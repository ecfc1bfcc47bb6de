// SPDX-License-Identifier: GPL-3.0-or-later
// The meter thread's work: levels into ballistics, the master's tap into loudness (see MeterBank.h).
#include "meter/MeterBank.h"

#include "core/Decibels.h"

#include <chrono>
#include <cmath>
#include <pthread.h>

namespace backline::meter {

namespace {

constexpr double rmsWindowSeconds = 0.3;
constexpr double peakHoldSeconds = 0.5;
constexpr double peakFallDbPerSecond = 20.0;
constexpr double masterRingSeconds = 2.0;

} // namespace

MeterBank::MeterBank(engine::Engine& engine, int sampleRate)
    : engine_(engine)
    , sampleRate_(sampleRate)
    , masterRing_(2, std::size_t(masterRingSeconds * sampleRate))
    , loudness_(sampleRate)
    , scratch_(std::size_t(sampleRate) / 10 * 2)
{
}

MeterBank::~MeterBank()
{
    running_ = false;
    if (thread_.joinable())
        thread_.join();
}

void MeterBank::adopt(const engine::Graph& graph)
{
    std::lock_guard lock(mutex_);
    generation_ = graph.generation;
    meters_.clear();
    meters_.resize(graph.meterCount());
    for (std::size_t i = 0; i < meters_.size(); ++i)
        meters_[i].name = engine::meterName(graph, i);
}

void MeterBank::start()
{
    running_ = true;
    thread_ = std::thread([this] { run(); });
}

void MeterBank::run()
{
    pthread_setname_np(pthread_self(), "meters");
    while (running_) {
        poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void MeterBank::poll()
{
    std::lock_guard lock(mutex_);
    if (resetRequested_) {
        loudness_.reset();
        resetRequested_ = false;
    }
    const std::size_t chunk = scratch_.size() / 2;
    while (std::size_t n = masterRing_.read(scratch_.data(), chunk))
        loudness_.add(scratch_.data(), n);

    const auto windowFrames = std::uint64_t(rmsWindowSeconds * sampleRate_);
    engine::MeterEvent e;
    while (engine_.meterEvents().pop(e)) {
        if (e.generation != generation_ || e.meter >= meters_.size())
            continue;
        Meter& m = meters_[e.meter];
        if (e.meter + 1 == meters_.size())
            now_ += e.frames; // the master's meter is reported last in every block: it keeps time
        for (int c = 0; c < 2; ++c) {
            // Peak hold then fall: a new peak at or above the falling value takes over.
            const double age = double(now_ - m.heldAt[c]) / sampleRate_;
            const double fallDb = age > peakHoldSeconds ? (age - peakHoldSeconds) * peakFallDbPerSecond : 0.0;
            const double falling = m.heldPeak[c] * std::pow(10.0, -fallDb / 20.0);
            if (e.peak[c] >= falling) {
                m.heldPeak[c] = e.peak[c];
                m.heldAt[c] = now_;
            }
            m.energy[c].emplace_back(e.frames, double(e.sumSquares[c]));
            m.energyFrames[c] += e.frames;
            m.energySum[c] += e.sumSquares[c];
            while (!m.energy[c].empty() && m.energyFrames[c] - m.energy[c].front().first >= windowFrames) {
                m.energyFrames[c] -= m.energy[c].front().first;
                m.energySum[c] -= m.energy[c].front().second;
                m.energy[c].pop_front();
            }
        }
    }
}

Level MeterBank::levelOf(const Meter& m) const
{
    Level level;
    for (int c = 0; c < 2; ++c) {
        const double age = double(now_ - m.heldAt[c]) / sampleRate_;
        const double fallDb = age > peakHoldSeconds ? (age - peakHoldSeconds) * peakFallDbPerSecond : 0.0;
        level.peakDb[c] = gainToDb(m.heldPeak[c]) - fallDb;
        level.rmsDb[c] = m.energyFrames[c] > 0 ? gainToDb(std::sqrt(std::max(0.0, m.energySum[c]) / double(m.energyFrames[c])))
                                               : -HUGE_VAL;
    }
    return level;
}

MeterSnapshot MeterBank::snapshot() const
{
    std::lock_guard lock(mutex_);
    MeterSnapshot s;
    s.meters.reserve(meters_.size());
    for (const auto& m : meters_)
        s.meters.push_back({m.name, levelOf(m)});
    s.loudness = loudness_.read();
    return s;
}

void MeterBank::resetLoudness()
{
    std::lock_guard lock(mutex_);
    resetRequested_ = true;
}

} // namespace backline::meter
