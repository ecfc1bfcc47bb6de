// SPDX-License-Identifier: GPL-3.0-or-later
// The transport's control side on a real engine run offline: requests checked and carried out,
// the position read back, and a change timed for the next bar landing on its first sample.
#include "EngineFixture.h"
#include "RingChange.h"

#include "core/AudioRing.h"
#include "engine/TransportControl.h"

#include <gtest/gtest.h>

#include <limits>

using namespace backline;
using backline::test::OfflineSession;
using transport::Boundary;

namespace {

const char* dcSession = "backline: 1\ntracks:\n  - name: dc\n    dsp: faust/dc_level.dsp\n    params: {level: 0.1}\n";

} // namespace

TEST(TransportControl, PlayRollsThePositionStopHoldsItAndPositionReadsBarsAndSeconds)
{
    OfflineSession s(dcSession, 128);
    engine::TransportControl transport(s.engine);
    s.render(0.1);
    EXPECT_EQ(transport.position().state, port::TransportState::Stopped);
    EXPECT_EQ(transport.position().frame, 0);
    ASSERT_TRUE(transport.play());
    s.render(2.5); // 120 BPM, 4/4: 2.5 s is bar 2, beat 2
    auto p = transport.position();
    EXPECT_EQ(p.state, port::TransportState::Rolling);
    EXPECT_NEAR(p.seconds, 2.5, 128.0 / 48000.0) << "within a block of the render";
    EXPECT_EQ(p.bar, 2);
    EXPECT_EQ(p.beat, 2);
    EXPECT_DOUBLE_EQ(p.bpm, 120.0);
    EXPECT_EQ(p.engineFrame, s.engine.clock());
    ASSERT_TRUE(transport.stop());
    s.render(0.01);
    const auto stopped = transport.position().frame;
    s.render(0.5);
    EXPECT_EQ(transport.position().frame, stopped);
    EXPECT_EQ(transport.position().state, port::TransportState::Stopped);
}

TEST(TransportControl, BadValuesAreRefusedWithTheRuleAndNothingChanges)
{
    OfflineSession s(dcSession, 128);
    engine::TransportControl transport(s.engine);
    s.render(0.01);
    const auto before = transport.position();
    auto refused = [](const auto& r, std::string_view words) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, ErrorCode::Param);
        EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
    };
    refused(transport.setTempo(0), "from 20 to 400 BPM, got 0");
    refused(transport.setTempo(10000), "got 10000");
    refused(transport.setTempo(std::numeric_limits<double>::quiet_NaN()), "got nan");
    refused(transport.setTempo(120, -1), "glide");
    refused(transport.setMeter(0, 0), "1 to 64 beats");
    refused(transport.setMeter(4, 3), "power of two");
    refused(transport.setMeter(4, 0), "power of two");
    refused(transport.locate(-1.0), "got -1");
    refused(transport.locate(transport::BarBeat {3, 5}), "beat 5 is not in a bar of 4 beats");
    refused(transport.locate(transport::BarBeat {0, 1}), "bars 1");
    s.render(0.01);
    const auto after = transport.position();
    EXPECT_EQ(after.changes, before.changes);
    EXPECT_DOUBLE_EQ(after.bpm, 120.0);
    EXPECT_EQ(after.meterNum, 4);
    EXPECT_EQ(after.meterDen, 4);
}

TEST(TransportControl, ALocateSaysWhereItLandsAndTheTransportLandsThere)
{
    OfflineSession s(dcSession, 128);
    engine::TransportControl transport(s.engine);
    ASSERT_TRUE(transport.setTempo(90));
    ASSERT_TRUE(transport.setMeter(3, 4));
    s.render(0.01);
    auto landed = transport.locate(transport::BarBeat {9, 2});
    ASSERT_TRUE(landed);
    // 8 bars of 3 beats and one beat at 90 BPM: 25 beats, 16 2/3 s.
    EXPECT_NEAR(landed->seconds, 25.0 * 60.0 / 90.0, 1.0 / 48000.0);
    s.render(0.01);
    auto p = transport.position();
    EXPECT_EQ(p.frame, landed->frame);
    EXPECT_EQ(p.bar, 9);
    EXPECT_EQ(p.beat, 2);
    auto bySeconds = transport.locate(2.0); // 3 beats at 90: bar 2 beat 1
    ASSERT_TRUE(bySeconds);
    EXPECT_EQ(bySeconds->bar, 2);
    EXPECT_EQ(bySeconds->beat, 1);
    s.render(0.01);
    EXPECT_EQ(transport.position().frame, 96000);
}

TEST(TransportControl, AChangeTimedForTheNextBarLandsOnTheBarsFirstSample)
{
    OfflineSession s(dcSession, 128);
    AudioRing ring(2, 4 * 48000);
    auto taps = std::make_unique<engine::TapSet>();
    taps->generation = s.installedGraph()->generation;
    taps->taps.push_back({{engine::TapPoint::Kind::TrackPost, 0}, &ring});
    s.engine.installTaps(std::move(taps));
    engine::TransportControl transport(s.engine);
    // 133 BPM in 7/8: a beat is 2,880,000 / 133 = 21,654.14 frames, so bar 2 begins on frame
    // ⌈7 · 2,880,000 / 133⌉ = 151,579 of the transport.
    ASSERT_TRUE(transport.setTempo(133));
    ASSERT_TRUE(transport.setMeter(7, 8));
    ASSERT_TRUE(transport.play());
    const std::uint64_t started = s.engine.clock(); // the next block starts the transport
    EXPECT_FALSE(transport.nextBoundary(Boundary::Bar)) << "stopped: no boundary comes";
    s.render(1.3);
    auto bar = transport.nextBoundary(Boundary::Bar, s.engine.clock() + 256);
    ASSERT_TRUE(bar);
    EXPECT_EQ(*bar, started + 151579);
    EXPECT_EQ(transport.frameOf(transport::BarBeat {2, 1}), bar);
    auto beat = transport.nextBoundary(Boundary::Beat, s.engine.clock());
    ASSERT_TRUE(beat);
    EXPECT_EQ(*beat, started + (3 * 2880000 + 132) / 133) << "1.3 s is in beat 3";

    std::vector<float> drain(2 * 4 * 48000);
    ring.read(drain.data(), ring.readable());
    const std::uint64_t from = s.engine.clock();
    std::vector<port::ParamChange> mute {{"/track/dc/mute", 1.0}};
    ASSERT_TRUE(s.control.setBatch(mute, *bar));
    s.render(2.5);
    const std::size_t firstChange = test::firstChangeIn(ring);
    ASSERT_NE(firstChange, 0u) << "the mute was heard";
    EXPECT_EQ(from + firstChange, *bar) << "the mute's first sample is the bar's";
    auto p = transport.position();
    EXPECT_EQ(p.bar, 2);
    EXPECT_EQ(p.barBeats, 7);
}
