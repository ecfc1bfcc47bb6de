// SPDX-License-Identifier: GPL-3.0-or-later
// Notices (/record/event, /dsp/fault) are numbered per client like feedback, so a client sees
// a lost one as a gap: lost on the way, or dropped before it was sent (then also counted).
#include "FakeTarget.h"
#include "RawOscClient.h"

#include "control/osc/OscArg.h"
#include "control/osc/OscPacket.h"
#include "control/osc/OscServer.h"
#include "control/osc/OscSubscriptions.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

Endpoint udp(int port)
{
    Endpoint e;
    auto* in = reinterpret_cast<sockaddr_in*>(&e.address);
    in->sin_family = AF_INET;
    in->sin_port = htons(std::uint16_t(port));
    inet_pton(AF_INET, "127.0.0.1", &in->sin_addr);
    e.addressLength = sizeof(sockaddr_in);
    return e;
}

/// One notice as it reached a client: its number and the notice's first argument.
struct Received {
    int sequence = 0;
    std::string address;
    int index = -1;
};

/// Keeps every packet sent, decoded, per client port.
class RecordingSink final : public PacketSink {
public:
    void send(const Endpoint& to, std::span<const std::uint8_t> packet) override
    {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&to.address);
        OscInPacket decoded = parsePacket(packet);
        ASSERT_FALSE(decoded.error) << decoded.error->message;
        ASSERT_EQ(decoded.messages.size(), 2u) << "one notice per packet, after its number";
        const auto& seq = decoded.messages[0];
        const auto& notice = decoded.messages[1];
        ASSERT_EQ(seq.address, "/notice/seq");
        ASSERT_EQ(seq.types, "i");
        ASSERT_EQ(notice.types, "i");
        received[ntohs(in->sin_port)].push_back(
            {oscArg<std::int32_t>(seq.argv[0]), notice.address, oscArg<std::int32_t>(notice.argv[0])});
    }

    std::map<int, std::vector<Received>> received;
};

class OscNotices : public ::testing::Test {
protected:
    OscNotices()
        : clients(ClientLimits {}, 1e6, 1e6, 1e12)
        , subscriptions(target, clients, sink, [] {})
    {
        target.addListener(&subscriptions.listener());
    }
    ~OscNotices() override { target.removeListener(&subscriptions.listener()); }

    /// A client at port, subscribed to feedback (and so to notices).
    ClientState& subscriber(int port)
    {
        ClientState& c = *clients.touch(udp(port), 0);
        c.feedback.active = true;
        return c;
    }

    /// Posts count notices, numbered by their argument from first on.
    void post(int first, int count)
    {
        for (int i = first; i < first + count; ++i)
            target.post({i % 2 ? "/dsp/fault" : "/record/event", {i}});
    }

    static std::vector<int> sequences(const std::vector<Received>& got)
    {
        std::vector<int> out;
        for (const auto& r : got)
            out.push_back(r.sequence);
        return out;
    }

    FakeTarget target;
    ClientTable clients;
    RecordingSink sink;
    OscSubscriptions subscriptions;
};

} // namespace

TEST_F(OscNotices, EachClientCountsItsNoticesFromOneWithoutGaps)
{
    subscriber(9001);
    ClientState& b = subscriber(9002);
    post(0, 3);
    subscriptions.pushNotices();
    post(3, 2);
    subscriptions.pushNotices();
    ASSERT_EQ(sink.received[9001].size(), 5u);
    EXPECT_EQ(sequences(sink.received[9001]), (std::vector<int> {1, 2, 3, 4, 5}));
    EXPECT_EQ(sequences(sink.received[9002]), (std::vector<int> {1, 2, 3, 4, 5}));
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(sink.received[9001][std::size_t(i)].index, i) << "in the order posted";
        EXPECT_EQ(sink.received[9001][std::size_t(i)].address, i % 2 ? "/dsp/fault" : "/record/event");
    }

    // While not subscribed a client is sent none and misses none: its count goes on from where it was.
    b.feedback.active = false;
    post(5, 2);
    subscriptions.pushNotices();
    b.feedback.active = true;
    post(7, 1);
    subscriptions.pushNotices();
    EXPECT_EQ(sequences(sink.received[9001]), (std::vector<int> {1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_EQ(sequences(sink.received[9002]), (std::vector<int> {1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(sink.received[9002].back().index, 7);
    EXPECT_EQ(subscriptions.noticesDropped(), 0u);
}

TEST_F(OscNotices, NoticesDroppedPastTheQueueShowAsAGapAndAreCounted)
{
    subscriber(9001);
    subscriber(9002);
    post(0, 2);
    subscriptions.pushNotices();
    // More than the queue holds before the OSC thread's next pass: the oldest go.
    const int posted = int(config::oscMaxPendingNotices) + 44;
    post(2, posted);
    EXPECT_EQ(subscriptions.noticesDropped(), 44u);
    subscriptions.pushNotices();
    post(2 + posted, 1);
    subscriptions.pushNotices();

    for (int port : {9001, 9002}) {
        const auto& got = sink.received[port];
        ASSERT_EQ(got.size(), 2 + config::oscMaxPendingNotices + 1) << port;
        EXPECT_EQ(got[1].sequence, 2);
        EXPECT_EQ(got[2].sequence, 2 + 44 + 1) << "the gap after 2 is the 44 dropped";
        EXPECT_EQ(got[2].index, 2 + 44) << "the oldest were dropped, the newest kept";
        for (std::size_t i = 3; i < got.size(); ++i)
            EXPECT_EQ(got[i].sequence, got[i - 1].sequence + 1) << "no gap after it";
        EXPECT_EQ(got.back().sequence, 2 + posted + 1) << "every notice posted has its number";
    }
}

TEST(OscServerNotices, SubscribersGetNumberedNoticesAndStatusCountsTheDropped)
{
    FakeTarget target;
    OscServerOptions options;
    options.port = 0;
    auto server = OscServer::start(std::move(options), target);
    ASSERT_TRUE(server) << server.error().message;
    RawOscClient c(RawOscClient::Kind::Udp, (*server)->port());
    c.send("/subscribe");
    ASSERT_TRUE(c.receiveAddress("/snapshot/end"));

    target.post({"/record/event", {std::string("take_started"), std::string("take-1"), std::string(""),
                                      std::string("recording"), 0}});
    target.post({"/dsp/fault", {std::string("track 'a'"), 3, 3}});
    std::vector<RawMessage> got;
    while (got.size() < 4) {
        auto m = c.receive(2000ms);
        ASSERT_TRUE(m) << "the notices did not arrive";
        if (m->address != "/feedback/seq")
            got.push_back(*m);
    }
    EXPECT_EQ(got[0].address, "/notice/seq");
    EXPECT_EQ(got[0].number(0), 1.0);
    EXPECT_EQ(got[1].address, "/record/event");
    EXPECT_EQ(got[1].text(0), "take_started");
    EXPECT_EQ(got[1].packet, got[0].packet) << "in the packet its number leads";
    EXPECT_EQ(got[2].address, "/notice/seq");
    EXPECT_EQ(got[2].number(0), 2.0);
    EXPECT_EQ(got[3].address, "/dsp/fault");
    EXPECT_EQ(got[3].packet, got[2].packet);
    EXPECT_NE(got[3].packet, got[1].packet) << "a packet each";

    c.send("/status");
    auto status = c.receiveAddress("/status");
    ASSERT_TRUE(status);
    ASSERT_EQ(status->args.size(), 31u);
    EXPECT_EQ(status->number(21), 0.0) << "notices dropped: the last field before the scene's two";
    EXPECT_EQ(status->text(24), "") << "then the song's four: none cued";
    EXPECT_EQ(status->number(26), 0.0);
    auto dropped = c.receiveAddress("/status/osc/notices_dropped");
    ASSERT_TRUE(dropped);
    EXPECT_EQ(dropped->number(0), 0.0);
}
