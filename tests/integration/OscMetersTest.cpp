// SPDX-License-Identifier: GPL-3.0-or-later
// Meter streams: levels, single values or blobs at the rate asked, only to those who asked.
#include "OscLive.h"
#include "WaitFor.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace backline::test;
using namespace std::chrono_literals;

TEST(OscMeters, LevelsStreamAtTheAskedRateToSubscribersOnly)
{
    LiveDaemon d;
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    RawOscClient watcher(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient bystander(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_TRUE(bystander.request("/ping"));
    watcher.send("/meters/subscribe", {25.0f});
    ASSERT_TRUE(watcher.receiveAddress("/meters/subscribed"));
    // The 300 ms RMS window fills: 400 ms of JACK's frames, however slow the machine runs them.
    ASSERT_TRUE(listener.waitCycles(150));
    watcher.drain();
    auto got = watcher.receiveFor(1000ms);
    int packets = 0;
    float peak = -999.0f;
    float rms = -999.0f;
    float momentary = -999.0f;
    for (const auto& m : got) {
        packets += m.address == "/meters/seq" ? 1 : 0;
        if (m.address == "/meters/track/tone") {
            peak = float(m.number(0));
            rms = float(m.number(2));
        }
        if (m.address == "/meters/loudness")
            momentary = float(m.number(0));
    }
    EXPECT_GE(packets, 20);
    EXPECT_LE(packets, 30);
    // A 1 kHz sine at -20 dBFS, panned centre (-3 dB each side).
    EXPECT_NEAR(peak, -23.0f, 0.5f);
    EXPECT_NEAR(rms, -26.0f, 0.5f);
    EXPECT_GT(momentary, -40.0f);
    // Meters went out for a second; the bystander, answered since, got none.
    auto toBystander = bystander.receiveUntilPong();
    ASSERT_TRUE(toBystander) << "the bystander is answered";
    for (const auto& m : *toBystander)
        EXPECT_FALSE(m.address.starts_with("/meters/")) << m.address;
}

TEST(OscMeters, TheBlobFormatFollowsItsNames)
{
    LiveDaemon d(busSessionYaml);
    RawOscClient c(RawOscClient::Kind::TcpLengthPrefix, d.osc_port);
    c.send("/meters/subscribe", {10.0f, std::string("blob")});
    ASSERT_TRUE(c.receiveAddress("/meters/subscribed"));
    auto names = c.receiveAddress("/meters/names");
    ASSERT_TRUE(names);
    std::vector<std::string> meters;
    for (std::size_t i = 1; i < names->args.size(); ++i)
        meters.push_back(names->text(i));
    EXPECT_EQ(meters, (std::vector<std::string> {"track/vox", "track/keys", "bus/verb", "bus/grp", "master"}));
    auto blob = c.receiveAddress("/meters/blob");
    ASSERT_TRUE(blob);
    const auto& bytes = std::get<std::vector<std::uint8_t>>(blob->args[0]);
    ASSERT_EQ(bytes.size(), 12 + meters.size() * 16 + 20);
    EXPECT_EQ(bytes[11], meters.size());
    EXPECT_EQ(std::uint32_t(bytes[4]) << 24 | std::uint32_t(bytes[5]) << 16 | std::uint32_t(bytes[6]) << 8 | bytes[7],
        std::uint32_t(names->number(0))) << "the blob names the layout it follows";
}

TEST(OscMeters, AMeterSubscriptionExpiresUnlessRenewed)
{
    LiveDaemon d;
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient probe(RawOscClient::Kind::Udp, d.osc_port);
    const auto subscribed = nowNs();
    c.send("/meters/subscribe", {20.0f, std::string("single"), 1.0f});
    ASSERT_TRUE(c.receiveAddress("/meters/subscribed"));
    EXPECT_TRUE(c.receiveAddress("/meters/track/tone/peak", 500ms));
    // The lease's second passing is the subject: wait until the daemon counts no meter subscriber.
    const auto meterSubscribers = [&] {
        const auto status = readStatus(probe);
        const auto it = status.find("/status/osc/meter_subscribers");
        return it == status.end() ? -1.0 : it->second.number(0);
    };
    ASSERT_TRUE(waitFor([&] { return meterSubscribers() == 0.0; }, 10s, 50ms))
        << "still " << meterSubscribers() << " meter subscribers";
    EXPECT_GE(nowNs() - subscribed, 1'000'000'000) << "not before its second";
    c.drain(); // what was sent before the end, already here
    // The control: two packets of a new subscriber at the same rate span one of c's intervals.
    probe.send("/meters/subscribe", {20.0f, std::string("single"), 10.0f});
    ASSERT_TRUE(probe.receiveAddress("/meters/seq"));
    ASSERT_TRUE(probe.receiveAddress("/meters/seq"));
    auto after = c.receiveUntilPong();
    ASSERT_TRUE(after) << "c is still answered";
    for (const auto& m : *after)
        EXPECT_NE(m.address, "/meters/seq");
}
