// SPDX-License-Identifier: GPL-3.0-or-later
// Meters fed by a real engine rendering a session offline.
#include "../engine/EngineFixture.h"
#include "meter/MeterBank.h"

#include <gtest/gtest.h>

#include <cmath>

using backline::meter::MeterBank;

namespace {

const char* session = R"(backline: 1
tracks:
  - name: a
    dsp: tone
    params: {level: -20}
    pan: -1
  - name: b
    dsp: tone
    params: {level: -40, freq: 3000}
    pan: -1
buses:
  - name: verb
    dsp: reverb
master: {}
)";

const backline::meter::MeterReading& find(const backline::meter::MeterSnapshot& s, const std::string& name)
{
    for (const auto& m : s.meters)
        if (m.name == name)
            return m;
    throw std::runtime_error("no meter " + name);
}

} // namespace

TEST(MeterBank, TracksBusesAndMasterReadTheirPeakAndRms)
{
    backline::test::OfflineSession s(session);
    MeterBank bank(s.engine, s.sampleRate);
    bank.adopt(*s.installedGraph());
    s.render(1.0);
    bank.poll();
    const auto snap = bank.snapshot();
    ASSERT_EQ(snap.meters.size(), 4u);
    EXPECT_NEAR(find(snap, "track/a").level.peakDb[0], -20.0, 0.05);
    EXPECT_NEAR(find(snap, "track/a").level.rmsDb[0], -23.01, 0.05);
    EXPECT_LT(find(snap, "track/a").level.peakDb[1], -120.0);
    EXPECT_NEAR(find(snap, "track/b").level.rmsDb[0], -43.01, 0.05);
    EXPECT_LT(find(snap, "bus/verb").level.peakDb[0], -120.0);
    EXPECT_GT(find(snap, "master").level.rmsDb[0], -23.1);
}

TEST(MeterBank, MasterLoudnessComesFromTheMasterTap)
{
    backline::test::OfflineSession s(session);
    MeterBank bank(s.engine, s.sampleRate);
    bank.adopt(*s.installedGraph());
    auto taps = std::make_unique<backline::engine::TapSet>();
    taps->generation = s.installedGraph()->generation;
    taps->taps.push_back({{backline::engine::TapPoint::Kind::Master, 0}, &bank.masterRing()});
    s.engine.installTaps(std::move(taps));
    for (int i = 0; i < 10; ++i) {
        s.render(0.5);
        bank.poll();
    }
    const auto l = bank.snapshot().loudness;
    // Left only: -23.01 dB RMS at 1 kHz plus -43.01 dB at 3 kHz, K-weighted (≈0 dB at 1 kHz).
    EXPECT_NEAR(l.integrated, -22.97, 0.2);
    // The 3 kHz partial is at its trough where the 1 kHz one peaks: max |0.1 sin x + 0.01 sin 3x| = 0.0904.
    EXPECT_NEAR(l.truePeak, 20.0 * std::log10(0.0904), 0.1);
}
