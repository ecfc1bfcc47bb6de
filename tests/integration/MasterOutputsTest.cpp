// SPDX-License-Identifier: GPL-3.0-or-later
// Where the master's JACK ports connect: the physical playback ports unless the session says
// otherwise, nothing when it says `outputs: []` (sessions/README.md, master).
#include "LiveDaemon.h"

#include <jack/jack.h>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace backline::test;
using namespace std::chrono_literals;

/// A JACK client that only looks at ports (it has none, so it adds no connection of its own).
class PortLook {
public:
    explicit PortLook(const std::string& server)
    {
        jack_status_t status;
        client_ = jack_client_open("looker", JackOptions(JackNoStartServer | JackServerName), &status, server.c_str());
    }
    ~PortLook()
    {
        if (client_)
            jack_client_close(client_);
    }
    PortLook(const PortLook&) = delete;
    PortLook& operator=(const PortLook&) = delete;

    bool open() const { return client_ != nullptr; }
    bool exists(const std::string& port) const { return jack_port_by_name(client_, port.c_str()) != nullptr; }
    /// Every port `port` is connected to, in JACK's order.
    std::vector<std::string> connections(const std::string& port) const
    {
        std::vector<std::string> names;
        if (jack_port_t* p = jack_port_by_name(client_, port.c_str()))
            if (const char** all = jack_port_get_all_connections(client_, p)) {
                for (int i = 0; all[i]; ++i)
                    names.emplace_back(all[i]);
                jack_free(all);
            }
        return names;
    }

private:
    jack_client_t* client_ = nullptr;
};

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
