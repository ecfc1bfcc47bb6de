// SPDX-License-Identifier: GPL-3.0-or-later
// Bad packets and floods never crash backlined nor block its audio.
#include "OscLive.h"
#include "Signal.h"

#include "control/osc/OscWriter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <sched.h>
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

TEST(OscRobustness, TenThousandMessagesASecondFromOneClientNeitherStarveAnotherNorTheAudio)
{
    LiveDaemon d(toneSessionYaml, JackServer::Scheduling::Realtime);
    const auto policy = threadPolicy(d.process->pid(), "backline-audio");
    const bool realtime = policy == SCHED_FIFO || policy == SCHED_RR;
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient flood(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient other(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient tablet(RawOscClient::Kind::TcpLengthPrefix, d.osc_port);
    ASSERT_FALSE(subscribeAndReadSnapshot(tablet).empty());
    auto xruns = [&] {
        other.send("/status");
        auto m = other.receiveAddress("/status/xruns");
        other.drain();
        return m ? m->number(0) : -1.0;
    };
    // Round trips of the other client, every 25 ms while `running`.
    auto probe = [&](std::atomic<bool>& running, std::vector<std::int64_t>& roundTrips) {
        while (running) {
            const auto sent = nowNs();
            other.send("/track/tone/gain");
            auto m = other.receiveAddress("/track/tone/gain", 1000ms);
            roundTrips.push_back(m ? m->receivedNs - sent : 1'000'000'000);
            std::this_thread::sleep_for(25ms);
        }
    };
    ASSERT_TRUE(listener.waitCycles(113)); // 300 ms of audio before anything is measured

    // Two quiet seconds, as the yardstick for this machine's own xruns (jackd's dummy driver
    // without real-time scheduling misses deadlines whenever the machine is busy). The wait is
    // the measurement: as long as the flood's two seconds below, by the same clock.
    const double xrunsAtStart = xruns();
    std::atomic<bool> quietRunning {true};
    std::vector<std::int64_t> quietTrips;
    std::thread quietProber([&] { probe(quietRunning, quietTrips); });
    std::this_thread::sleep_for(2000ms);
    quietRunning = false;
    quietProber.join();
    const double xrunsQuiet = xruns() - xrunsAtStart;

    // Two seconds of 10,000 messages a second from one client, in bursts of ten each millisecond.
    std::atomic<bool> flooding {true};
    std::vector<std::int64_t> roundTrips;
    std::thread flooder([&] {
        const auto start = nowNs();
        for (int i = 0; i < 20000; i += 10) {
            for (int j = 0; j < 10; ++j)
                flood.send("/track/tone/pan", {float(((i + j) % 200) / 100.0 - 1.0)});
            const auto next = start + std::int64_t(i + 10) * 100'000;
            if (const auto wait = next - nowNs(); wait > 0)
                std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
        }
        flooding = false;
    });
    std::thread prober([&] { probe(flooding, roundTrips); });
    auto [left, right] = listener.capture(1500ms);
    flooder.join();
    prober.join();
    const double xrunsFlood = xruns() - xrunsAtStart - xrunsQuiet;

    // Half of 1.5 s: the dummy driver runs slow on a busy machine; the level below is what
    // tells whether backline's audio kept coming.
    ASSERT_GT(left.size(), 36000u) << "JACK kept running";
    EXPECT_TRUE(std::all_of(left.begin(), left.end(), [](float x) { return std::isfinite(x); }));
    // The pan moves with the flood, and constant-power panning keeps left² + right² where the
    // tone puts it (-20 dBFS peak: -23.01 dB RMS) within half a dB or so while it glides,
    // wherever the pan is when the capture ends; a third of the blocks lost would be -1.8 dB.
    double power = 0.0;
    for (std::size_t i = 0; i < left.size(); ++i)
        power += double(left[i]) * left[i] + double(right[i]) * right[i];
    EXPECT_NEAR(10.0 * std::log10(power / double(left.size())), -23.01, 1.5) << "the tone plays";
    std::sort(roundTrips.begin(), roundTrips.end());
    std::sort(quietTrips.begin(), quietTrips.end());
    ASSERT_FALSE(roundTrips.empty());
    RecordProperty("round_trip_median_us_quiet", std::to_string(quietTrips[quietTrips.size() / 2] / 1000));
    RecordProperty("round_trip_median_us_flood", std::to_string(roundTrips[roundTrips.size() / 2] / 1000));
    RecordProperty("xruns_quiet_2s", std::to_string(xrunsQuiet));
    RecordProperty("xruns_flood_2s", std::to_string(xrunsFlood));
    EXPECT_LT(roundTrips[roundTrips.size() / 2], 10'000'000) << "median round trip of the other client under 10 ms";
    EXPECT_LT(roundTrips[roundTrips.size() * 9 / 10], 50'000'000);
    // Without real-time priority on a shared 2-core machine the quiet seconds already xrun a
    // little, and that noise varies; the flood's own sender and the daemon's OSC thread take
    // CPU a busy machine's jackd then misses (seen: 58 against 4 quiet, with two other busy
    // processes). A starved audio thread would xrun on most of the 750 periods of these two
    // seconds: twice the quiet count plus a tenth of the periods tells the two apart.
    // Judged only when the audio thread runs real-time, as on stage (jackd -R): without it,
    // a busy machine's scheduler decides the xruns (seen under stress-ng: 418 against 161
    // quiet), not the daemon. Without real-time rights they are reported, not judged.
    RecordProperty("audio_thread_realtime", realtime ? "yes" : "no");
    if (realtime)
        EXPECT_LE(xrunsFlood, 2 * xrunsQuiet + 75) << "the flood costs the audio little beyond what the quiet seconds did";
    else
        std::fprintf(stderr, "xruns not judged (no real-time scheduling): %g in the flood, %g quiet\n", xrunsFlood,
            xrunsQuiet);
    other.send("/status");
    auto dropped = other.receiveAddress("/status/osc/dropped");
    ASSERT_TRUE(dropped);
    EXPECT_GT(dropped->number(0), 5000.0) << "20,000 in two seconds against 3,000 a second: the rest dropped and counted";
    EXPECT_TRUE(flood.receiveUntil([](const RawMessage& m) { return m.address == "/error" && m.text(0) == "#rate-limit"; }))
        << "the flooding client is told, once a second";
    EXPECT_TRUE(tablet.receiveThrough("/track/tone/pan")) << "a subscriber still gets (coalesced) feedback";
    EXPECT_TRUE(d.process->running());
}
