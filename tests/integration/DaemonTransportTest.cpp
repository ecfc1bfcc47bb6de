// SPDX-License-Identifier: GPL-3.0-or-later
// The transport end to end: backlined on a real jackd (dummy backend), steered over OSC by a
// real liblo client, its position checked against the frames JACK ran (a JACK client in the
// test counts them), and its relation to JACK's own transport (follow, lead) seen by that client.
#include "LiveDaemon.h"
#include "WaitFor.h"

#include <jack/transport.h>

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <optional>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

constexpr double rate = 48000.0;

/// A reply to /transport/position or /transport/located, read.
struct Position {
    double seconds = 0.0;
    int bar = 0;
    int beat = 0;
    double tick = 0.0;
    double bpm = 0.0;
    std::string state;
    std::int64_t frame() const { return std::llround(seconds * rate); }
};

std::optional<Position> position(OscClient& osc)
{
    auto m = osc.request("/transport/position");
    if (!m || m->address != "/transport/position" || m->args.size() != 6)
        return std::nullopt;
    return Position {m->number(0), int(m->number(1)), int(m->number(2)), m->number(3), m->number(4), m->text(5)};
}

/// The position, or a blank one (state "") when no answer came: for conditions polled until they hold.
Position now(OscClient& osc)
{
    return position(osc).value_or(Position {-1.0, 0, 0, 0.0, 0.0, ""});
}

/// Sends address with one string argument and returns the reply.
std::optional<OscMessage> sendText(OscClient& osc, const std::string& address, const std::string& text)
{
    lo_message m = lo_message_new();
    lo_message_add_string(m, text.c_str());
    osc.send(address, m);
    return osc.receive();
}

/// Sends address with float arguments and returns the reply.
std::optional<OscMessage> sendFloats(OscClient& osc, const std::string& address, std::initializer_list<float> values)
{
    lo_message m = lo_message_new();
    for (float v : values)
        lo_message_add_float(m, v);
    osc.send(address, m);
    return osc.receive();
}

std::string withTransport(const std::string& transport)
{
    return std::string(toneSessionYaml) + "transport: " + transport + "\n";
}

/// JACK's transport as another JACK client reads it.
jack_position_t jackPosition(jack_client_t* client, jack_transport_state_t* state = nullptr)
{
    jack_position_t p {};
    const auto s = jack_transport_query(client, &p);
    if (state)
        *state = s;
    return p;
}

} // namespace

TEST(DaemonTransport, PlayMovesThePositionByTheFramesJackRanAndStopHoldsIt)
{
    LiveDaemon d;
    JackListener jack(d.jack.name(), "backline:out_L", "backline:out_R");
    auto start = position(*d.osc);
    ASSERT_TRUE(start);
    EXPECT_EQ(start->state, "stopped");
    EXPECT_EQ(start->frame(), 0);
    auto played = d.osc->request("/transport/play");
    ASSERT_TRUE(played);
    EXPECT_EQ(played->address, "/transport/playing");
    ASSERT_TRUE(waitFor([&] { return now(*d.osc).state == "rolling"; }));

    // The frames backlined's transport moved between two readings, against the frames the
    // listener ran meanwhile: backlined runs before the listener in each cycle (it feeds it),
    // so a reading lies between the listener's count before the request and a period after
    // its count once the reply is in (two periods of slack: a late cycle of either). A cycle
    // JACK ran for one client but not the other (an xrun: the dummy driver on a loaded
    // machine) breaks that; only then is the measurement repeated, at most five times, and said.
    // JACK tells a client of an xrun through its notification thread, which a starved machine
    // may run well after the cycle: a measurement out of bounds waits for word of one first.
    std::optional<Position> second;
    for (int trial = 1; trial <= 5; ++trial) {
        const std::uint64_t xruns = jack.xruns();
        const std::uint64_t before1 = jack.frames();
        auto first = position(*d.osc);
        const std::uint64_t after1 = jack.frames();
        ASSERT_TRUE(jack.waitCycles(300));
        const std::uint64_t before2 = jack.frames();
        second = position(*d.osc);
        const std::uint64_t after2 = jack.frames();
        ASSERT_TRUE(first && second);
        const std::int64_t moved = second->frame() - first->frame();
        const bool within = moved >= std::int64_t(before2) - std::int64_t(after1) - 256
            && moved <= std::int64_t(after2) - std::int64_t(before1) + 256;
        if (!within && trial < 5) {
            jack.waitCycles(8);
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
        if (!within && jack.xruns() != xruns && trial < 5) {
            std::cout << "trial " << trial << ": JACK reported " << jack.xruns() - xruns
                      << " xrun(s) during the measurement; repeating\n";
            continue;
        }
        EXPECT_GE(moved, std::int64_t(before2) - std::int64_t(after1) - 256) << "at least the frames JACK ran between";
        EXPECT_LE(moved, std::int64_t(after2) - std::int64_t(before1) + 256) << "at most the frames JACK ran around";
        EXPECT_GE(moved, 300 * 128 - 128);
        break;
    }
    // At 120 BPM in 4/4 the bars follow the seconds: a beat is half a second.
    const double beats = second->seconds * 2.0;
    EXPECT_EQ(second->bar, int(beats / 4) + 1);
    EXPECT_EQ(second->beat, int(std::fmod(beats, 4.0)) + 1);
    EXPECT_EQ(second->bpm, 120.0f);

    auto stopped = d.osc->request("/transport/stop");
    ASSERT_TRUE(stopped);
    EXPECT_EQ(stopped->address, "/transport/stopped");
    ASSERT_TRUE(waitFor([&] { return now(*d.osc).state == "stopped"; }));
    auto held = position(*d.osc);
    ASSERT_TRUE(jack.waitCycles(50));
    auto later = position(*d.osc);
    ASSERT_TRUE(held && later);
    EXPECT_EQ(later->frame(), held->frame()) << "stopped, it stays";
}

TEST(DaemonTransport, LocateGoesToSecondsOrToABarAndBeat)
{
    LiveDaemon d;
    auto located = sendText(*d.osc, "/transport/locate", "3.2");
    ASSERT_TRUE(located);
    ASSERT_EQ(located->address, "/transport/located");
    EXPECT_FLOAT_EQ(located->number(0), 4.5f) << "bar 3 beat 2 at 120 in 4/4: nine beats";
    EXPECT_EQ(located->number(1), 3.0f);
    EXPECT_EQ(located->number(2), 2.0f);
    ASSERT_TRUE(waitFor([&] { return now(*d.osc).frame() == 4.5 * rate; }));
    auto p = position(*d.osc);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->bar, 3);
    EXPECT_EQ(p->beat, 2);
    EXPECT_EQ(p->state, "stopped");

    auto bySeconds = sendFloats(*d.osc, "/transport/locate", {10.0f});
    ASSERT_TRUE(bySeconds);
    ASSERT_EQ(bySeconds->address, "/transport/located");
    EXPECT_EQ(bySeconds->number(1), 6.0f);
    ASSERT_TRUE(waitFor([&] { return now(*d.osc).frame() == 10 * rate; }));
    // A new tempo and meter, then a locate counts bars from 0 s with them: 12 s at 90 in 3/4
    // is 18 beats, bar 7 beat 1.
    auto tempo = sendFloats(*d.osc, "/transport/tempo", {90.0f});
    ASSERT_TRUE(tempo);
    EXPECT_EQ(tempo->address, "/transport/tempo");
    lo_message meter = lo_message_new();
    lo_message_add_int32(meter, 3);
    lo_message_add_int32(meter, 4);
    d.osc->send("/transport/meter", meter);
    auto meterReply = d.osc->receive();
    ASSERT_TRUE(meterReply);
    EXPECT_EQ(meterReply->address, "/transport/meter");
    auto twelve = sendFloats(*d.osc, "/transport/locate", {12.0f});
    ASSERT_TRUE(twelve);
    EXPECT_EQ(twelve->number(1), 7.0f);
    EXPECT_EQ(twelve->number(2), 1.0f);
}

TEST(DaemonTransport, BadInputIsAnsweredWithAnErrorAndNothingChanges)
{
    LiveDaemon d;
    ASSERT_TRUE(sendText(*d.osc, "/transport/locate", "2.3"));
    ASSERT_TRUE(waitFor([&] { return now(*d.osc).bar == 2; }));
    const auto before = position(*d.osc);
    auto expectError = [&](std::optional<OscMessage> reply, const std::string& address, const std::string& words) {
        ASSERT_TRUE(reply) << address;
        ASSERT_EQ(reply->address, "/error") << address << ": " << words;
        EXPECT_EQ(reply->text(0), address);
        EXPECT_NE(reply->text(1).find(words), std::string::npos) << reply->text(1);
    };
    expectError(sendFloats(*d.osc, "/transport/tempo", {0.0f}), "/transport/tempo", "got 0");
    expectError(sendFloats(*d.osc, "/transport/tempo", {10000.0f}), "/transport/tempo", "got 10000");
    lo_message zero = lo_message_new();
    lo_message_add_int32(zero, 0);
    lo_message_add_int32(zero, 0);
    d.osc->send("/transport/meter", zero);
    expectError(d.osc->receive(), "/transport/meter", "1 to 64 beats");
    lo_message three = lo_message_new();
    lo_message_add_int32(three, 4);
    lo_message_add_int32(three, 3);
    d.osc->send("/transport/meter", three);
    expectError(d.osc->receive(), "/transport/meter", "power of two");
    expectError(sendFloats(*d.osc, "/transport/locate", {-1.0f}), "/transport/locate", "got -1");
    expectError(sendText(*d.osc, "/transport/locate", "two.one"), "/transport/locate", "not a bar and beat");
    expectError(sendText(*d.osc, "/transport/locate", "2.7"), "/transport/locate", "beat 7 is not in a bar of 4");

    ASSERT_TRUE(d.osc->waitForPong(2s)) << "everything before was handled";
    const auto after = position(*d.osc);
    ASSERT_TRUE(before && after);
    EXPECT_EQ(after->frame(), before->frame());
    EXPECT_EQ(after->bpm, 120.0f);
    auto tempo = d.osc->request("/transport/tempo");
    ASSERT_TRUE(tempo);
    EXPECT_EQ(tempo->number(0), 120.0f);
    auto meter = d.osc->request("/transport/meter");
    ASSERT_TRUE(meter);
    EXPECT_EQ(meter->number(0), 4.0f);
    EXPECT_EQ(meter->number(1), 4.0f);
}

TEST(DaemonTransport, StatusSaysRollingOrStoppedAndSubscribersHearIt)
{
    LiveDaemon d;
    OscClient tablet(d.osc_port);
    tablet.send("/subscribe");
    ASSERT_TRUE(tablet.receiveAddress("/snapshot/end"));
    auto status = [&] {
        d.osc->send("/status");
        auto m = d.osc->receiveAddress("/status/transport");
        return m ? m->text(0) : std::string("(none)");
    };
    EXPECT_EQ(status(), "stopped");
    ASSERT_TRUE(d.osc->request("/transport/play"));
    auto heard = tablet.receiveAddress("/status/transport", 5s);
    ASSERT_TRUE(heard) << "the change of state reached the subscriber";
    EXPECT_EQ(heard->text(0), "rolling");
    EXPECT_EQ(status(), "rolling");
    auto first = tablet.receiveAddress("/transport/position", 5s);
    auto next = tablet.receiveAddress("/transport/position", 5s);
    ASSERT_TRUE(first && next) << "the position keeps coming while rolling";
    EXPECT_GT(next->number(0), first->number(0));
    EXPECT_EQ(next->text(5), "rolling");
    ASSERT_TRUE(d.osc->request("/transport/stop"));
    auto stopped = tablet.receiveAddress("/status/transport", 5s);
    ASSERT_TRUE(stopped);
    EXPECT_EQ(stopped->text(0), "stopped");
    EXPECT_EQ(status(), "stopped");
}

TEST(DaemonTransport, LeadingJackClientsSeeBacklinesBarsBeatsAndTempo)
{
    LiveDaemon d(withTransport("{tempo: 90, meter: [3, 4], jack: lead}"));
    JackListener other(d.jack.name(), "backline:out_L", "backline:out_R");
    jack_client_t* client = other.client();
    ASSERT_TRUE(waitFor([&] {
        const auto p = jackPosition(client);
        return (p.valid & JackPositionBBT) && p.beats_per_minute == 90.0;
    })) << "backline became the timebase master with its tempo";
    auto p = jackPosition(client);
    EXPECT_EQ(p.beats_per_bar, 3.0f);
    EXPECT_EQ(p.beat_type, 4.0f);
    EXPECT_EQ(p.ticks_per_beat, 1920.0);
    // A new tempo while JACK's transport stands is seen by JACK's clients too.
    ASSERT_TRUE(sendFloats(*d.osc, "/transport/tempo", {100.0f}));
    ASSERT_TRUE(waitFor([&] { return jackPosition(client).beats_per_minute == 100.0; }))
        << "JACK's clients see the new tempo while stopped";
    ASSERT_TRUE(sendFloats(*d.osc, "/transport/tempo", {90.0f}));
    ASSERT_TRUE(waitFor([&] { return jackPosition(client).beats_per_minute == 90.0; }));

    // /transport/play starts JACK's transport, and the bars JACK's clients see are backline's.
    ASSERT_TRUE(d.osc->request("/transport/play"));
    jack_transport_state_t state {};
    ASSERT_TRUE(waitFor([&] {
        jackPosition(client, &state);
        return state == JackTransportRolling;
    })) << "JACK's transport rolls";
    // A cycle backline misses (an xrun) leaves JACK's clients the bars it wrote for the cycle
    // before, under the new frame: a sample taken after an xrun JACK reported is taken again
    // (at most 5 times, said in the output); without one it must agree at once. JACK tells of
    // an xrun from another thread, maybe late: a sample that disagrees waits up to 2 s for it.
    std::uint64_t xrunsBefore = other.xruns();
    ASSERT_TRUE(other.waitCycles(800)); // past the first bar (2 s at 90 in 3/4: 750 periods)
    // 90 BPM in 3/4, bar 1 at frame 0: beats = frame · 90 / (60 · 48000).
    const auto beatsAt = [](const jack_position_t& at) { return double(at.frame) * 90.0 / (60.0 * rate); };
    const auto agrees = [&](const jack_position_t& at) {
        const double beats = beatsAt(at);
        return at.bar == int(beats / 3) + 1 && at.beat == int(std::fmod(beats, 3.0)) + 1
            && std::fabs(at.tick - std::fmod(beats, 1.0) * 1920.0) <= 1.0;
    };
    p = jackPosition(client, &state);
    for (int again = 0; again < 5 && !agrees(p); ++again) {
        if (other.xruns() == xrunsBefore) {
            other.waitCycles(8);
            waitFor([&] { return other.xruns() != xrunsBefore; }, 2s);
        }
        if (other.xruns() == xrunsBefore)
            break; // no xrun: the disagreement is backline's, and fails below
        std::cout << "[ retried ] JACK reported an xrun before the position sample (frame " << p.frame << ", bar "
                  << p.bar << " beat " << p.beat << " tick " << p.tick << "): sampled again\n";
        xrunsBefore = other.xruns();
        ASSERT_TRUE(other.waitCycles(4));
        p = jackPosition(client, &state);
    }
    ASSERT_TRUE(p.valid & JackPositionBBT);
    const double beats = beatsAt(p);
    EXPECT_EQ(p.bar, int(beats / 3) + 1) << "frame " << p.frame;
    EXPECT_EQ(p.beat, int(std::fmod(beats, 3.0)) + 1) << "frame " << p.frame;
    EXPECT_NEAR(p.tick, std::fmod(beats, 1.0) * 1920.0, 1.0) << "frame " << p.frame << ", xruns " << other.xruns();
    EXPECT_GE(p.bar, 2);

    // Stopped, JACK's frame and backline's position are the same place, in the same bar.
    ASSERT_TRUE(d.osc->request("/transport/stop"));
    ASSERT_TRUE(waitFor([&] { return now(*d.osc).state == "stopped"; }));
    ASSERT_TRUE(other.waitCycles(4));
    p = jackPosition(client, &state);
    EXPECT_EQ(state, JackTransportStopped);
    auto ours = position(*d.osc);
    ASSERT_TRUE(ours);
    EXPECT_EQ(ours->frame(), std::int64_t(p.frame));
    EXPECT_EQ(ours->bar, p.bar);
    EXPECT_EQ(ours->beat, p.beat);
    EXPECT_EQ(ours->bpm, 90.0f);
}

TEST(DaemonTransport, FollowingJackAnotherClientStartsStopsAndLocatesIt)
{
    LiveDaemon d(withTransport("{jack: follow}"));
    JackListener other(d.jack.name(), "backline:out_L", "backline:out_R");
    jack_client_t* client = other.client();
    jack_transport_start(client);
    ASSERT_TRUE(waitFor([&] { return now(*d.osc).state == "rolling"; }, defaultWait, 20ms))
        << "starting JACK's transport started backline's";
    jack_transport_stop(client);
    ASSERT_TRUE(waitFor([&] { return now(*d.osc).state == "stopped"; }, defaultWait, 20ms));
    jack_transport_locate(client, 96000);
    ASSERT_TRUE(waitFor([&] { return now(*d.osc).frame() == 96000; }, defaultWait, 20ms))
        << "another client's locate moved backline's transport";
    auto p = position(*d.osc);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->bar, 2);
    EXPECT_EQ(p->beat, 1);
    // backline's own requests go to JACK's transport, which every client then follows.
    ASSERT_TRUE(d.osc->request("/transport/play"));
    jack_transport_state_t state {};
    ASSERT_TRUE(waitFor([&] {
        jackPosition(client, &state);
        return state == JackTransportRolling;
    }));
    ASSERT_TRUE(waitFor([&] { return now(*d.osc).state == "rolling"; }, defaultWait, 20ms));
}

TEST(DaemonTransport, AReloadKeepsALiveTempoAndMeterUnlessTheFileChangedThem)
{
    LiveDaemon d(withTransport("{tempo: 100, meter: [3, 4]}"));
    auto tempo = [&] {
        auto m = d.osc->request("/transport/tempo");
        return m ? m->number(0) : -1.0f;
    };
    auto meter = [&] {
        auto m = d.osc->request("/transport/meter");
        return m ? std::pair(int(m->number(0)), int(m->number(1))) : std::pair(0, 0);
    };
    ASSERT_TRUE(waitFor([&] { return tempo() == 100.0f; })) << "the session's tempo";
    EXPECT_EQ(meter(), std::pair(3, 4));
    ASSERT_TRUE(sendFloats(*d.osc, "/transport/tempo", {130.0f}));
    lo_message sevenEight = lo_message_new();
    lo_message_add_int32(sevenEight, 7);
    lo_message_add_int32(sevenEight, 8);
    d.osc->send("/transport/meter", sevenEight);
    ASSERT_TRUE(d.osc->receiveAddress("/transport/meter"));
    ASSERT_TRUE(waitFor([&] { return tempo() == 130.0f; }));

    auto reloaded = d.osc->request("/session/reload", 20s);
    ASSERT_TRUE(reloaded);
    ASSERT_EQ(reloaded->address, "/session/reloaded");
    EXPECT_EQ(tempo(), 130.0f) << "the file did not change its tempo: the live one stays";
    EXPECT_EQ(meter(), std::pair(7, 8));

    d.dir.write("session.yaml", withTransport("{tempo: 150, meter: [3, 4]}"));
    reloaded = d.osc->request("/session/reload", 20s);
    ASSERT_TRUE(reloaded);
    ASSERT_EQ(reloaded->address, "/session/reloaded");
    ASSERT_TRUE(waitFor([&] { return tempo() == 150.0f; })) << "the file changed its tempo: the file's is taken";
    EXPECT_EQ(meter(), std::pair(7, 8)) << "its meter it did not change";
}
