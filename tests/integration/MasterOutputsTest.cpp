// SPDX-License-Identifier: GPL-3.0-or-later
// Where the master's JACK ports connect: the physical playback ports unless the session says
// otherwise, nothing when it says `outputs: []` (sessions/README.md, master).
#include "LiveDaemon.h"
#include "PortLook.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace backline::test;
using namespace std::chrono_literals;

const std::string masterlessSession = toneSessionYaml;
const std::string unconnectedSession = std::string(toneSessionYaml) + "master:\n  outputs: []\n";

TEST(MasterOutputs, WithoutTheKeyTheyGoToThePhysicalPlaybackPorts)
{
    LiveDaemon d(masterlessSession);
    PortLook look(d.jack.name());
    ASSERT_TRUE(look.open());
    // backlined connects before its OSC server answers; the deadline only covers a server slow
    // to tell other clients.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (look.connections("backline:out_R").empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(look.connections("backline:out_L"), std::vector<std::string> {"system:playback_1"});
    EXPECT_EQ(look.connections("backline:out_R"), std::vector<std::string> {"system:playback_2"});
}

TEST(MasterOutputs, AnEmptyListConnectsThemToNothing)
{
    LiveDaemon d(unconnectedSession);
    PortLook look(d.jack.name());
    ASSERT_TRUE(look.open());
    // The ports are there and the daemon answered /ping, which it does only after making its
    // connections (Daemon::run): what is missing now was not made.
    ASSERT_TRUE(look.exists("backline:out_L"));
    ASSERT_TRUE(look.exists("backline:out_R"));
    EXPECT_TRUE(look.connections("backline:out_L").empty());
    EXPECT_TRUE(look.connections("backline:out_R").empty());
    EXPECT_TRUE(look.connections("system:playback_1").empty());
    EXPECT_TRUE(look.connections("system:playback_2").empty());
    // An unconnected master is no error: the daemon runs on.
    EXPECT_TRUE(d.process->running());
}

} // namespace
