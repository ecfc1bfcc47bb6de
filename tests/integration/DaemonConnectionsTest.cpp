// SPDX-License-Identifier: GPL-3.0-or-later
// Auto-connect rules end to end (issue 13): the session's `connections:` connect ports that
// appear after backlined started (another client, a sound card plugged in), in both directions;
// /connections lists and edits them live; a JACK server that comes back gets them again.
#include "LiveDaemon.h"
#include "PortLook.h"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// Another JACK client, started when the test says: one audio output and one input.
class LateClient {
public:
    LateClient(const std::string& server, const std::string& name)
    {
        jack_status_t status;
        client_ = jack_client_open(name.c_str(), JackOptions(JackNoStartServer | JackServerName), &status, server.c_str());
        if (!client_)
            throw std::runtime_error("cannot open the late client");
        jack_port_register(client_, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
        jack_port_register(client_, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
        jack_activate(client_);
    }
    ~LateClient()
    {
        jack_deactivate(client_);
        jack_client_close(client_);
    }
    LateClient(const LateClient&) = delete;
    LateClient& operator=(const LateClient&) = delete;

private:
    jack_client_t* client_ = nullptr;
};

/// Seconds until port is connected to other (looking every 10 ms), or nullopt after timeout.
std::optional<double> secondsUntilConnected(const std::string& server, const std::string& port, const std::string& other,
    std::chrono::milliseconds timeout)
{
    const auto start = std::chrono::steady_clock::now();
    PortLook look(server);
    while (std::chrono::steady_clock::now() < start + timeout) {
        if (look.connected(port, other))
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::this_thread::sleep_for(10ms);
    }
    return std::nullopt;
}

/// Sends address with string arguments and returns the first reply.
std::optional<OscMessage> requestWith(OscClient& osc, const std::string& address, const std::vector<std::string>& args)
{
    lo_message m = lo_message_new();
    for (const auto& a : args)
        lo_message_add_string(m, a.c_str());
    osc.send(address, m);
    return osc.receive(5s);
}

const char* rulesSessionYaml = R"(backline: 1
name: it
tracks:
  - name: tone
    dsp: tone
    params: {freq: 1000, level: -20}
  - name: mic
connections:
  - {from: "^late:out$", to: "backline:mic_in"}
  - {from: "backline:out_L", to: "^late:in$"}
)";

} // namespace

TEST(DaemonConnections, PortsThatAppearLaterAreConnectedBothWaysAsTheRulesSay)
{
    LiveDaemon d(rulesSessionYaml);
    std::this_thread::sleep_for(5s); // the issue's case: a client that starts 5 s after backlined
    LateClient late(d.jack.name(), "late");
    const auto in = secondsUntilConnected(d.jack.name(), "late:out", "backline:mic_in", 5s);
    const auto out = secondsUntilConnected(d.jack.name(), "backline:out_L", "late:in", 5s);
    ASSERT_TRUE(in) << "a new output was not connected to backline's input:\n" << d.process->output();
    ASSERT_TRUE(out) << "backline's output was not connected to a new input:\n" << d.process->output();
    std::printf("[ measure ] connected %.3f s (to backline) and %.3f s (from backline) after the port appeared\n", *in,
        *out);
    // The issue's bound, with room for a busy machine (the main loop looks every 50 ms).
    EXPECT_LT(*in, 3.0);
    EXPECT_LT(*out, 3.0);
    PortLook look(d.jack.name());
    EXPECT_FALSE(look.connected("backline:out_R", "late:in")) << "the rule names out_L alone";

    auto listed = requestWith(*d.osc, "/connections", {});
    ASSERT_TRUE(listed && listed->address == "/connections/rule") << d.process->output();
    EXPECT_EQ(listed->text(0), "^late:out$");
    EXPECT_EQ(listed->text(1), "backline:mic_in");
    EXPECT_EQ(listed->number(2), 1.0f) << "it holds one connection";
    auto second = d.osc->receive(5s);
    ASSERT_TRUE(second && second->address == "/connections/rule");
    EXPECT_EQ(second->text(1), "^late:in$");
    auto end = d.osc->receive(5s);
    ASSERT_TRUE(end && end->address == "/connections/end");
    EXPECT_EQ(end->number(0), 2.0f);
}

TEST(DaemonConnections, RulesAddedAndRemovedOverOscActNowAndAreRefusedWhenBad)
{
    LiveDaemon d(toneSessionYaml);
    LateClient late(d.jack.name(), "late");
    auto added = requestWith(*d.osc, "/connections/add", {"backline:out_R", "late"});
    ASSERT_TRUE(added && added->address == "/connections/added") << d.process->output();
    EXPECT_EQ(added->text(0), "backline:out_R");
    EXPECT_EQ(added->text(1), "late");
    EXPECT_EQ(added->number(2), 1.0f) << "late:in is the one input 'late' names";
    PortLook look(d.jack.name());
    EXPECT_TRUE(look.connected("backline:out_R", "late:in"));

    auto again = requestWith(*d.osc, "/connections/add", {"backline:out_R", "late"});
    ASSERT_TRUE(again && again->address == "/error");
    EXPECT_NE(again->text(1).find("is there already"), std::string::npos) << again->text(1);
    for (const std::vector<std::string>& bad : {std::vector<std::string> {"a", "[unclosed"},
             std::vector<std::string> {"only-one"}, std::vector<std::string> {"", "b"}}) {
        auto refused = requestWith(*d.osc, "/connections/add", bad);
        ASSERT_TRUE(refused && refused->address == "/error") << d.process->output();
    }
    lo_message number = lo_message_new();
    lo_message_add_int32(number, 3);
    lo_message_add_string(number, "b");
    d.osc->send("/connections/add", number);
    auto typed = d.osc->receive(5s);
    ASSERT_TRUE(typed && typed->address == "/error");

    auto removed = requestWith(*d.osc, "/connections/remove", {"backline:out_R", "late"});
    ASSERT_TRUE(removed && removed->address == "/connections/removed") << d.process->output();
    EXPECT_TRUE(look.connected("backline:out_R", "late:in")) << "a removed rule's connections stay";
    auto gone = requestWith(*d.osc, "/connections/remove", {"backline:out_R", "late"});
    ASSERT_TRUE(gone && gone->address == "/error");
    EXPECT_NE(gone->text(1).find("there are none"), std::string::npos) << gone->text(1);
    auto listed = requestWith(*d.osc, "/connections", {});
    ASSERT_TRUE(listed && listed->address == "/connections/end");
    EXPECT_EQ(listed->number(0), 0.0f);
    EXPECT_TRUE(d.osc->waitForPong(2s));
}

TEST(DaemonConnections, AServerThatComesBackGetsTheRulesConnectionsAgain)
{
    LiveDaemon d(R"(backline: 1
name: it
tracks:
  - name: mic
connections:
  - {from: "system:capture_2", to: "backline:mic_in"}
)");
    ASSERT_TRUE(secondsUntilConnected(d.jack.name(), "system:capture_2", "backline:mic_in", 5s)) << d.process->output();
    d.jack.stop(SIGKILL);
    std::this_thread::sleep_for(500ms);
    d.jack.restart();
    EXPECT_TRUE(secondsUntilConnected(d.jack.name(), "system:capture_2", "backline:mic_in", 15s))
        << "the rule was not carried out again on the server that came back:\n" << d.process->output();
}
