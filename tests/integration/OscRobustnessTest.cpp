// SPDX-License-Identifier: GPL-3.0-or-later
// Bad packets and floods never crash backlined nor block its audio.
#include "OscLive.h"
#include "Signal.h"

#include "control/osc/OscWriter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <thread>

using namespace backline;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::uint8_t> nestedBundle(int depth)
{
    control::OscWriter w;
    w.message("/ping", {});
    std::vector<std::uint8_t> packet = w.bytes();
    for (int i = 0; i < depth; ++i) {
        std::vector<std::uint8_t> outer {'#', 'b', 'u', 'n', 'd', 'l', 'e', 0, 0, 0, 0, 0, 0, 0, 0, 1};
        const auto n = std::uint32_t(packet.size());
        outer.insert(outer.end(), {std::uint8_t(n >> 24), std::uint8_t(n >> 16), std::uint8_t(n >> 8), std::uint8_t(n)});
        outer.insert(outer.end(), packet.begin(), packet.end());
        packet = std::move(outer);
    }
    return packet;
}

} // namespace

TEST(OscRobustness, EveryBadPacketIsAnsweredWithAnErrorAndTheAudioPlaysOn)
{
    LiveDaemon d;
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_TRUE(listener.waitCycles(113)); // 300 ms of audio before the bad packets

    control::OscWriter good;
    good.message("/track/tone/gain", std::vector<control::OscReply::Arg> {-3.0f});
    const auto& whole = good.bytes();
    std::vector<std::pair<std::string, std::vector<std::uint8_t>>> bad {
        {"truncated", std::vector<std::uint8_t>(whole.begin(), whole.end() - 2)},
        {"cut in the address", std::vector<std::uint8_t>(whole.begin(), whole.begin() + 5)},
        {"unknown type", {'/', 'x', 0, 0, ',', 'q', 'f', 0, 0, 0, 0, 0, 0, 0, 0, 0}},
        {"type tags promise more", {'/', 't', 0, 0, ',', 'f', 'f', 'f', 0, 0, 0, 0}},
        {"no type tags", {'/', 't', 0, 0, 0, 0, 0, 0}},
        {"nested 64 deep", nestedBundle(64)},
        {"bundle claims too much", {'#', 'b', 'u', 'n', 'd', 'l', 'e', 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0}},
        {"garbage", {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03}},
    };
    for (const auto& [what, bytes] : bad) {
        c.sendBytes(bytes);
        auto reply = c.receive(1000ms);
        ASSERT_TRUE(reply) << what;
        EXPECT_EQ(reply->address, "/error") << what;
        EXPECT_FALSE(reply->text(1).empty()) << what;
    }
    // A 64 KB string where a number belongs, and a 60 KB address.
    c.send("/track/tone/gain", {std::string(65000, 'x')});
    auto big = c.receive(1000ms);
    ASSERT_TRUE(big);
    EXPECT_NE(big->text(1).find("expects a number"), std::string::npos);
    c.send("/" + std::string(60000, 'a'), {1.0f});
    auto longAddress = c.receive(1000ms);
    ASSERT_TRUE(longAddress);
    EXPECT_EQ(longAddress->address, "/error");
    EXPECT_LT(longAddress->text(0).size(), 200u) << "the reply does not echo 60 KB back";
    // Shallow nesting of the same time is fine.
    c.sendBytes(nestedBundle(3));
    auto pong = c.receive(1000ms);
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->address, "/pong");

    auto [left, right] = listener.capture(500ms);
    // The listener's frames count JACK's clock, not backline's work (the tone's level below is
    // that): on a busy machine the dummy driver runs slow, so ask only for enough to measure.
    ASSERT_GT(left.size(), 12000u);
    EXPECT_NEAR(rmsDb(left), -26.02, 0.2) << "the tone plays on untouched";
    EXPECT_TRUE(d.process->running());
    c.send("/status");
    auto errors = c.receiveAddress("/status/osc/errors");
    ASSERT_TRUE(errors);
    EXPECT_GE(errors->number(0), double(bad.size() + 2));
}

// What a busy machine cannot break: the other client is answered every time, the tone plays on
// (its power, counted in JACK's frames), the flood is cut at its rate and told, a subscriber
// keeps its feedback. How fast the other client is answered and what the flood costs in xruns
// are timing claims: tests/bench/osc_flood_bench measures them beside quiet seconds (on this
// machine a dummy driver xruns tens of times in two quiet seconds, real-time or not).
TEST(OscRobustness, TenThousandMessagesASecondFromOneClientNeitherStarveAnotherNorTheAudio)
{
    LiveDaemon d(toneSessionYaml);
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient flood(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient other(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient tablet(RawOscClient::Kind::TcpLengthPrefix, d.osc_port);
    ASSERT_FALSE(subscribeAndReadSnapshot(tablet).empty());
    ASSERT_TRUE(listener.waitCycles(40));

    // Twenty thousand messages from one client, in bursts of ten each millisecond, while another
    // asks for a value every 25 ms.
    std::atomic<bool> flooding {true};
    double floodSeconds = 0;
    std::thread flooder([&] {
        const auto start = nowNs();
        for (int i = 0; i < 20000; i += 10) {
            for (int j = 0; j < 10; ++j)
                flood.send("/track/tone/pan", {float(((i + j) % 200) / 100.0 - 1.0)});
            const auto next = start + std::int64_t(i + 10) * 100'000;
            if (const auto wait = next - nowNs(); wait > 0)
                std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
        }
        floodSeconds = double(nowNs() - start) / 1e9;
        flooding = false;
    });
    int asked = 0;
    int answered = 0;
    std::thread prober([&] {
        while (flooding) {
            other.send("/track/tone/gain");
            ++asked;
            // Generous: not answered within 10 s is starved, whatever the machine's load.
            answered += other.receiveAddress("/track/tone/gain", 10s) ? 1 : 0;
            std::this_thread::sleep_for(25ms);
        }
    });
    auto [left, right] = listener.capture(1500ms);
    flooder.join();
    prober.join();

    ASSERT_EQ(left.size(), 72000u) << "JACK's frames, however long they took";
    EXPECT_TRUE(std::all_of(left.begin(), left.end(), [](float x) { return std::isfinite(x); }));
    // The pan moves with the flood, and constant-power panning keeps left² + right² where the
    // tone puts it (-20 dBFS peak: -23.01 dB RMS) within half a dB or so while it glides,
    // wherever the pan is when the capture ends; a third of the blocks lost would be -1.8 dB.
    double power = 0.0;
    for (std::size_t i = 0; i < left.size(); ++i)
        power += double(left[i]) * left[i] + double(right[i]) * right[i];
    EXPECT_NEAR(10.0 * std::log10(power / double(left.size())), -23.01, 1.5) << "the tone plays";
    ASSERT_GT(asked, 0);
    EXPECT_EQ(answered, asked) << "the other client is answered every time during the flood";
    other.drain();
    other.send("/status");
    auto dropped = other.receiveAddress("/status/osc/dropped");
    ASSERT_TRUE(dropped);
    // 3,000 a second with a second's worth at once: 11,000 of the 20,000 are dropped and counted
    // when the flood takes its two seconds (osc_flood_bench). A busy machine sends it slower, or
    // the kernel drops some before backlined reads them: how many is not judged, that some are is.
    EXPECT_GT(dropped->number(0), 0.0) << "the flood took " << floodSeconds << " s";
    EXPECT_TRUE(flood.receiveUntil([](const RawMessage& m) { return m.address == "/error" && m.text(0) == "#rate-limit"; }))
        << "the flooding client is told, once a second";
    EXPECT_TRUE(tablet.receiveThrough("/track/tone/pan")) << "a subscriber still gets (coalesced) feedback";
    EXPECT_TRUE(d.process->running());
}
