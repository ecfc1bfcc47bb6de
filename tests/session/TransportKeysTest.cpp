// SPDX-License-Identifier: GPL-3.0-or-later
// The `transport:` map of a session.
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

using namespace backline;
using namespace backline::session;

namespace {

const char* tracks = "backline: 1\ntracks:\n  - name: vox\n";

std::string errorOf(const std::string& transport)
{
    auto r = loadSessionText(std::string(tracks) + transport, "/shows/friday/show.yaml");
    return r ? std::string("(loaded)") : r.error().message;
}

} // namespace

TEST(SessionTransport, ReadsTempoMeterAndJackMode)
{
    auto s = loadSessionText(std::string(tracks) + "transport: {tempo: 132.5, meter: [7, 8], jack: lead}\n", "show.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_DOUBLE_EQ(s->transport.tempo, 132.5);
    EXPECT_EQ(s->transport.meterNum, 7);
    EXPECT_EQ(s->transport.meterDen, 8);
    EXPECT_EQ(s->transport.jack, transport::JackMode::Lead);
    auto follow = loadSessionText(std::string(tracks) + "transport:\n  jack: follow\n", "show.yaml");
    ASSERT_TRUE(follow) << follow.error().message;
    EXPECT_EQ(follow->transport.jack, transport::JackMode::Follow);
    EXPECT_DOUBLE_EQ(follow->transport.tempo, 120.0) << "what it does not say keeps its default";
}

TEST(SessionTransport, WithoutTheMapItIs120In44AndPrivate)
{
    auto s = loadSessionText(tracks, "show.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_DOUBLE_EQ(s->transport.tempo, 120.0);
    EXPECT_EQ(s->transport.meterNum, 4);
    EXPECT_EQ(s->transport.meterDen, 4);
    EXPECT_EQ(s->transport.jack, transport::JackMode::Off);
    auto off = loadSessionText(std::string(tracks) + "transport: {jack: off}\n", "show.yaml");
    ASSERT_TRUE(off) << off.error().message;
    EXPECT_EQ(off->transport.jack, transport::JackMode::Off);
}

TEST(SessionTransport, BadValuesAreRefusedWithTheirPosition)
{
    EXPECT_EQ(errorOf("transport: {tempo: 0}\n"),
        "/shows/friday/show.yaml:4:20: 'tempo' must be a number in BPM from 20 to 400, got '0'");
    EXPECT_EQ(errorOf("transport: {tempo: 10000}\n"),
        "/shows/friday/show.yaml:4:20: 'tempo' must be a number in BPM from 20 to 400, got '10000'");
    EXPECT_EQ(errorOf("transport:\n  meter: [4, 0]\n"),
        "/shows/friday/show.yaml:5:14: in 'transport': a meter's beat is a power of two from 1 to 64 (1, 2, 4, 8, "
        "16, 32, 64), got 4/0");
    EXPECT_EQ(errorOf("transport:\n  meter: [0, 4]\n"),
        "/shows/friday/show.yaml:5:11: in 'transport': a meter has 1 to 64 beats to the bar, got 0/4");
    EXPECT_EQ(errorOf("transport:\n  meter: [5, 6]\n"),
        "/shows/friday/show.yaml:5:14: in 'transport': a meter's beat is a power of two from 1 to 64 (1, 2, 4, 8, "
        "16, 32, 64), got 5/6");
    EXPECT_EQ(errorOf("transport:\n  meter: 4/4\n"),
        "/shows/friday/show.yaml:5:10: 'meter' must be two whole numbers like [4, 4] (beats to the bar, the beat's "
        "note value), got '4/4'");
    EXPECT_EQ(errorOf("transport: {jack: sideways}\n"),
        "/shows/friday/show.yaml:4:19: 'jack' must be off, follow or lead, got 'sideways'");
    EXPECT_EQ(errorOf("transport: {tempp: 120}\n"),
        "/shows/friday/show.yaml:4:13: unknown key 'tempp' in 'transport' (did you mean 'tempo'?)");
    EXPECT_EQ(errorOf("transport: 120\n"),
        "/shows/friday/show.yaml:4:12: 'transport' must be a map of keys and values, got '120'");
}
