// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC server's admission and reply bounds under floods (issue 16): idle TCP connections,
// one-shot subscriptions from throwaway ports, replies far larger than requests. A real
// OscServer over loopback, where every 127.x.y.z address is ours: each plays another host.
#include "FakeTarget.h"
#include "RawOscClient.h"
#include "WaitFor.h"

#include "control/osc/OscServer.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>

using namespace backline;
using namespace backline::control;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// Every line the daemon's logger writes while it lives.
class LogCapture : public spdlog::sinks::base_sink<std::mutex> {
public:
    /// The lines written so far that contain every one of needles.
    std::size_t count(std::initializer_list<std::string_view> needles)
    {
        std::lock_guard lock(mutex_);
        return std::size_t(std::count_if(lines_.begin(), lines_.end(), [&](const std::string& line) {
            return std::all_of(needles.begin(), needles.end(), [&](std::string_view n) { return line.find(n) != std::string::npos; });
        }));
    }
    std::string text()
    {
        std::lock_guard lock(mutex_);
        std::string all;
        for (const auto& line : lines_)
            all += line + "\n";
        return all;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& message) override
    {
        lines_.emplace_back(message.payload.data(), message.payload.size());
    }
    void flush_() override {}

private:
    std::vector<std::string> lines_;
};

class OscAdmissionTest : public ::testing::Test {
protected:
    void SetUp() override { spdlog::default_logger()->sinks().push_back(log); }
    void TearDown() override
    {
        server.reset(); // before the log goes: its last lines are written as it stops
        auto& sinks = spdlog::default_logger()->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), log), sinks.end());
    }

    void start(OscServerOptions options = {})
    {
        options.port = 0;
        auto s = OscServer::start(std::move(options), target);
        ASSERT_TRUE(s) << s.error().message;
        server = std::move(s.value());
    }

    std::unique_ptr<RawOscClient> client(RawOscClient::Kind kind = RawOscClient::Kind::Udp,
        const std::string& local = "127.0.0.1")
    {
        return std::make_unique<RawOscClient>(kind, server->port(), local);
    }

    std::shared_ptr<LogCapture> log = std::make_shared<LogCapture>();
    FakeTarget target;
    std::unique_ptr<OscServer> server;
};

} // namespace

// Issue 16, fault 3: 64 idle TCP connections from one address locked every TCP client out for
// as long as they were held, with a warning per refusal.
TEST_F(OscAdmissionTest, SeventyIdleTcpConnectionsFromOneAddressLockNobodyOutAndCloseAfterTheIdleTimeout)
{
    start();
    std::vector<std::unique_ptr<RawOscClient>> idle;
    for (int i = 0; i < 70; ++i)
        idle.push_back(client(RawOscClient::Kind::TcpLengthPrefix, "127.0.0.1"));
    ASSERT_TRUE(waitFor([&] { return server->counters().refusedConnections == 70 - 16; }))
        << server->counters().refusedConnections << " refused";
    ASSERT_TRUE(waitFor([&] { return server->counters().tcpConnections == 16; })) << "16 at most from one address";

    auto other = client(RawOscClient::Kind::TcpLengthPrefix, "127.0.0.2");
    auto pong = other->request("/ping");
    ASSERT_TRUE(pong) << "a TCP client from another address is served";
    EXPECT_EQ(pong->address, "/pong");
    auto udp = client();
    ASSERT_TRUE(udp->request("/ping")) << "and UDP from the same one";
    EXPECT_EQ(log->count({"refused", "TCP connection"}), 1u) << "one line for 54 refusals, not one each:\n"
                                                               << log->text();
    EXPECT_LE(log->count({" connected"}), 1u) << log->text();

    // A short timeout (as the session's osc.tcp_idle_timeout sets it): every idle connection
    // is closed, the one that talked last included once it falls silent too.
    server->setLimits({.tcpIdleTimeout = 300ms});
    ASSERT_TRUE(waitFor([&] {
        return std::all_of(idle.begin(), idle.end(), [](const auto& c) { return c->closedByPeer(); });
    })) << "the idle connections are closed";
    ASSERT_TRUE(waitFor([&] { return server->counters().tcpConnections == 0; }));
    EXPECT_EQ(log->count({"closed", "sent nothing"}), 1u) << log->text();
    auto again = client(RawOscClient::Kind::TcpLengthPrefix, "127.0.0.1");
    ASSERT_TRUE(again->request("/ping")) << "the address's slots are free again";
}

TEST_F(OscAdmissionTest, WhenEveryTcpSlotIsTakenTheAddressHoldingTheMostMakesRoomForANewOne)
{
    OscServerOptions options;
    options.maxTcpConnections = 8;
    options.maxTcpConnectionsPerAddress = 6;
    start(std::move(options));
    std::vector<std::unique_ptr<RawOscClient>> held;
    for (int i = 0; i < 6; ++i)
        held.push_back(client(RawOscClient::Kind::TcpLengthPrefix, "127.0.0.1"));
    for (int i = 0; i < 2; ++i)
        held.push_back(client(RawOscClient::Kind::TcpLengthPrefix, "127.0.0.2"));
    ASSERT_TRUE(waitFor([&] { return server->counters().tcpConnections == 8; }));
    // The second address's two talk; the first's six are silent.
    for (std::size_t i = 6; i < 8; ++i)
        ASSERT_TRUE(held[i]->request("/ping"));

    auto newcomer = client(RawOscClient::Kind::TcpLengthPrefix, "127.0.0.3");
    ASSERT_TRUE(newcomer->request("/ping")) << "a new address gets in";
    EXPECT_EQ(server->counters().evicted, 1u);
    EXPECT_EQ(server->counters().refusedConnections, 0u);
    ASSERT_TRUE(waitFor([&] {
        return std::any_of(held.begin(), held.begin() + 6, [](const auto& c) { return c->closedByPeer(); });
    })) << "one of the first address's silent ones went";
    for (std::size_t i = 6; i < 8; ++i)
        EXPECT_TRUE(held[i]->request("/ping")) << "the other address keeps its connections";
}

// Issue 16, fault 4: 1,100 one-shot `/subscribe f:3600` from throwaway ports filled the client
// table with subscribers for up to an hour: fresh clients got no reply, a known client was
// pushed out, and each subscription logged a line.
TEST_F(OscAdmissionTest, TwoThousandOneShotSubscriptionsFromThrowawayPortsLockNobodyOut)
{
    OscServerOptions options;
    options.clients.establishedAfterNs = 200'000'000; // so the tablet below is established sooner
    start(std::move(options));
    auto known = client();
    ASSERT_TRUE(known->request("/ping"));
    // A tablet: subscribed, and renewing once it has been around (its renewal gets the length it asks for).
    auto tablet = client();
    tablet->send("/subscribe", {3600.0f});
    auto first = tablet->receiveAddress("/subscribed");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->number(0), 10.0) << "a first subscription is short";
    // Being around for a while is what establishes a client (200 ms here, by the server's
    // clock): this wait is the subject, not a guess at how long the server takes.
    const auto since = nowNs();
    while (nowNs() - since < 250'000'000)
        std::this_thread::sleep_for(10ms);
    tablet->send("/subscribe", {3600.0f});
    auto renewed = tablet->receiveAddress("/subscribed");
    ASSERT_TRUE(renewed);
    EXPECT_EQ(renewed->number(0), 3600.0) << "an established client's renewal gets what it asks";

    // The flood: 2,000 ports on 20 addresses, one datagram each (100 per address: more than an
    // address's share of 64, and 2,000 in all against a table of 1,024).
    for (int i = 0; i < 2000; ++i) {
        RawOscClient shot(RawOscClient::Kind::Udp, server->port(), fmt::format("127.0.0.{}", 2 + i % 20));
        shot.send("/subscribe", {3600.0f});
        // Now and then the known client asks something: it is answered throughout (and the
        // flood waits for the server instead of overflowing its socket).
        if (i % 100 == 99) {
            known->send("/track/a/gain");
            ASSERT_TRUE(known->receiveAddress("/track/a/gain")) << "the known client, after " << i + 1;
        }
    }
    auto fresh = client();
    auto pong = fresh->request("/ping");
    ASSERT_TRUE(pong) << "a new client is answered";
    EXPECT_EQ(pong->address, "/pong");
    auto shortLease = client(RawOscClient::Kind::Udp, "127.0.0.2");
    shortLease->send("/subscribe", {3600.0f});
    auto ack = shortLease->receiveAddress("/subscribed");
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->number(0), 10.0) << "a throwaway port's subscription lasts 10 s, not an hour";

    tablet->drain();
    target.changeFromElsewhere("/track/b/pan", 0.5f);
    auto pushed = tablet->receiveAddress("/track/b/pan");
    ASSERT_TRUE(pushed) << "the tablet keeps its feedback";
    EXPECT_EQ(pushed->number(0), 0.5);

    const auto c = server->counters();
    EXPECT_LE(c.clients, 1024u);
    // About 976 (2,000 less the table), fewer when the kernel hands a throwaway socket a port
    // an earlier one of its address had: that is the same client again.
    EXPECT_GE(c.evicted, 800u) << "counted";
    EXPECT_LE(log->count({"subscribed to feedback"}), 1u) << "one line, then a count a minute later:\n" << log->text();
    EXPECT_LE(log->count({"forgot"}), 1u) << log->text();
}

TEST_F(OscAdmissionTest, AFirstMeterSubscriptionIsShortToo)
{
    start();
    auto c = client();
    c->send("/meters/subscribe", {10.0f, std::string("levels"), 3600.0f});
    auto ack = c->receiveAddress("/meters/subscribed");
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->number(2), 10.0);
}

// Issue 16, fault 5: a 12-byte /state returned 16 KB; a bundle of 1,000 of them 16 MB, to
// whatever source address the datagram claimed.
TEST_F(OscAdmissionTest, AThousandStateRequestsInOneBundleGetNoMoreThanTheReplyBudgetAndTheRestIsCounted)
{
    constexpr double rate = 50'000.0;
    OscServerOptions options;
    options.replyRate = rate;
    start(std::move(options));
    // One /state's whole answer, to a client of an address of its own.
    auto probe = client(RawOscClient::Kind::Udp, "127.0.0.3");
    probe->send("/state");
    auto whole = probe->receiveAddress("/state/end");
    ASSERT_TRUE(whole);
    ASSERT_EQ(whole->number(2), whole->number(0)) << "one answer fits the budget whole";
    const double answerBytes = double(probe->bytesReceived());

    auto a = client();
    const std::vector<OscReply> requests(1000, OscReply {"/state", {}});
    const auto sent = nowNs();
    ASSERT_TRUE(a->sendBundle(oscImmediately, requests));
    // The server reads datagrams in order: once another address's /status is answered, the
    // bundle has been handled and everything it got sent is in a's socket.
    auto b = client(RawOscClient::Kind::Udp, "127.0.0.2");
    b->send("/status");
    auto refused = b->receiveAddress("/status/osc/refused_bytes");
    const auto answered = nowNs();
    ASSERT_TRUE(refused) << "another address is answered";
    const auto got = a->receiveFor(200ms);
    ASSERT_FALSE(got.empty()) << "the bundle got answers";
    std::size_t pages = 0;
    bool firstWhole = false;
    for (const auto& m : got)
        if (m.address == "/state/end") {
            firstWhole = firstWhole || (pages == 0 && m.number(2) == m.number(0));
            pages += m.number(2) < m.number(0) ? 1 : 0;
        }
    EXPECT_TRUE(firstWhole) << "the first answers are whole";
    EXPECT_GE(pages, 1u) << "then a page, which /state/end says is one";
    const double seconds = double(answered - sent) * 1e-9;
    const double received = double(a->bytesReceived());
    EXPECT_LE(received, rate * (1.0 + seconds)) << "a second's worth at once, then the rate (" << seconds << " s)";
    EXPECT_GE(refused->number(0) + received, 0.8 * 1000 * answerBytes)
        << "what was held back is counted (about: " << refused->number(0) << " of " << 1000 * answerBytes << ")";
    std::printf("1,000 /state in a %zu-byte bundle: %.0f bytes sent (budget %.0f bytes/s, %.3f s), %.0f held back; a "
                "whole answer is %.0f bytes\n",
        std::size_t(1000 * 16 + 16), received, rate, seconds, refused->number(0), answerBytes);
}

TEST_F(OscAdmissionTest, AClientPagesThroughStateAsTheBudgetRefills)
{
    constexpr double rate = 10'000.0;
    OscServerOptions options;
    options.replyRate = rate;
    start(std::move(options));
    auto a = client();
    std::vector<OscReply> requests(20, OscReply {"/state", {}});
    ASSERT_TRUE(a->sendBundle(oscImmediately, requests)); // spends the budget
    a->receiveFor(100ms);
    // Page by page from the start, as `backline state` does: each /state/end says where to go on.
    std::set<std::string> addresses;
    int first = 0;
    const int total = int(target.all().size());
    const auto deadline = nowNs() + 20'000'000'000LL;
    while (first < total && nowNs() < deadline) {
        a->send("/state", {first, total - first});
        std::optional<RawMessage> end;
        while (auto m = a->receive(500ms)) {
            if (m->address == "/state/param")
                addresses.insert(m->text(0));
            if (m->address == "/state/end") {
                end = m;
                break;
            }
        }
        if (!end)
            continue; // held back whole, /state/end too, while the budget was empty: ask again
        EXPECT_EQ(end->number(1), double(first));
        first += int(end->number(2));
        if (end->number(2) == 0)
            std::this_thread::sleep_for(50ms); // the budget refills
    }
    EXPECT_EQ(int(addresses.size()), total) << "every parameter came, page by page";
}
