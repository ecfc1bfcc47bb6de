// SPDX-License-Identifier: GPL-3.0-or-later
// backlined under a session manager (NSM API 1.2, issue 13): the test acts as nsmd over liblo —
// the announce, the open with a path and a client id (the JACK client's name), dirty and clean,
// the save — as RaySession or nsmd would.
#include "LiveDaemon.h"
#include "PortLook.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// The session manager's end: a liblo server on a free port, every message kept.
class FakeNsmd {
public:
    FakeNsmd()
    {
        server_ = lo_server_new_with_proto(nullptr, LO_UDP, nullptr);
        lo_server_add_method(server_, nullptr, nullptr, &FakeNsmd::onMessage, this);
    }
    ~FakeNsmd()
    {
        if (client_)
            lo_address_free(client_);
        lo_server_free(server_);
    }
    FakeNsmd(const FakeNsmd&) = delete;
    FakeNsmd& operator=(const FakeNsmd&) = delete;

    std::string url() const { return "osc.udp://127.0.0.1:" + std::to_string(lo_server_get_port(server_)) + "/"; }

    /// The first message to address within timeout (earlier ones to other addresses are kept).
    std::optional<OscMessage> waitFor(const std::string& address, std::chrono::milliseconds timeout = 20s)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            for (auto it = inbox_.begin(); it != inbox_.end(); ++it)
                if (it->address == address) {
                    OscMessage m = *it;
                    inbox_.erase(it);
                    return m;
                }
            if (std::chrono::steady_clock::now() > deadline)
                return std::nullopt;
            lo_server_recv_noblock(server_, 50);
        }
    }

    /// Sends to the client that announced itself.
    void send(const std::string& address, lo_message message)
    {
        lo_send_message_from(client_, server_, address.c_str(), message);
        lo_message_free(message);
    }

private:
    static int onMessage(const char* path, const char* types, lo_arg** argv, int argc, lo_message message, void* self)
    {
        auto& nsmd = *static_cast<FakeNsmd*>(self);
        OscMessage m {path, types, {}};
        for (int i = 0; i < argc; ++i) {
            // liblo's arguments are packed, not aligned for lo_arg: read them by their bytes.
            const auto* bytes = reinterpret_cast<const char*>(argv[i]);
            if (types[i] == LO_STRING) {
                m.args.emplace_back(std::string(bytes));
            } else if (types[i] == LO_INT32) {
                std::int32_t n;
                std::memcpy(&n, bytes, sizeof n);
                m.args.emplace_back(int(n));
            } else if (types[i] == LO_FLOAT) {
                float f;
                std::memcpy(&f, bytes, sizeof f);
                m.args.emplace_back(f);
            }
        }
        if (m.address == "/nsm/server/announce") {
            if (nsmd.client_)
                lo_address_free(nsmd.client_);
            lo_address from = lo_message_get_source(message);
            nsmd.client_ = lo_address_new(lo_address_get_hostname(from), lo_address_get_port(from));
        }
        nsmd.inbox_.push_back(std::move(m));
        return 0;
    }

    lo_server server_ = nullptr;
    lo_address client_ = nullptr;
    std::vector<OscMessage> inbox_;
};

lo_message strings(std::initializer_list<const char*> texts)
{
    lo_message m = lo_message_new();
    for (const char* t : texts)
        lo_message_add_string(m, t);
    return m;
}

} // namespace

TEST(DaemonNsm, OpensTheSessionTheManagerGivesAsItsClientIdAndSavesWhenAsked)
{
    JackServer jack;
    TempDir dir;
    FakeNsmd nsmd;
    const int oscPort = freeOscPort();
    Process daemon({"env", "NSM_URL=" + nsmd.url(), backlinedPath().string(), "--jack-server", jack.name(), "--osc-port",
                       std::to_string(oscPort), "--cache-dir", (dir.path() / "cache").string()},
        dir.path() / "backlined.log");

    auto announce = nsmd.waitFor("/nsm/server/announce");
    ASSERT_TRUE(announce) << daemon.output();
    EXPECT_EQ(announce->text(0), "backline");
    EXPECT_NE(announce->text(1).find(":dirty:"), std::string::npos);
    EXPECT_NE(announce->text(2).find("backlined"), std::string::npos);
    EXPECT_EQ(announce->number(3), 1.0f);
    EXPECT_EQ(announce->number(4), 2.0f);
    EXPECT_EQ(announce->number(5), float(daemon.pid()));
    nsmd.send("/reply", strings({"/nsm/server/announce", "Howdy", "fake-nsmd", ":server-control:"}));

    const std::string prefix = (dir.path() / "studio" / "backline.nABCD").string();
    nsmd.send("/nsm/client/open", strings({prefix.c_str(), "studio", "backline.nABCD"}));
    auto opened = nsmd.waitFor("/reply");
    ASSERT_TRUE(opened) << daemon.output();
    EXPECT_EQ(opened->text(0), "/nsm/client/open") << daemon.output();

    // The session is the manager's file, the JACK client its client id.
    EXPECT_TRUE(std::filesystem::exists(prefix + ".yaml"));
    PortLook look(jack.name());
    EXPECT_TRUE(look.exists("backline.nABCD:out_L")) << daemon.output();
    OscClient osc(oscPort);
    ASSERT_TRUE(osc.waitForPong(10s)) << daemon.output();
    ASSERT_TRUE(nsmd.waitFor("/nsm/client/is_clean")) << daemon.output();

    osc.sendFloat("/master/gain", -7.5f);
    ASSERT_TRUE(nsmd.waitFor("/nsm/client/is_dirty", 10s)) << daemon.output();
    nsmd.send("/nsm/client/save", lo_message_new());
    auto saved = nsmd.waitFor("/reply");
    ASSERT_TRUE(saved) << daemon.output();
    EXPECT_EQ(saved->text(0), "/nsm/client/save") << daemon.output();
    ASSERT_TRUE(nsmd.waitFor("/nsm/client/is_clean", 10s)) << daemon.output();
    std::ifstream file(prefix + ".yaml");
    std::stringstream text;
    text << file.rdbuf();
    EXPECT_NE(text.str().find("gain: -7.5"), std::string::npos) << text.str();

    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(20s), 0) << daemon.output();
}

TEST(DaemonNsm, AManagerThatRefusesOrNeverOpensEndsItWithTheReason)
{
    JackServer jack;
    TempDir dir;
    FakeNsmd nsmd;
    Process daemon({"env", "NSM_URL=" + nsmd.url(), backlinedPath().string(), "--jack-server", jack.name(), "--osc-port",
                       std::to_string(freeOscPort())},
        dir.path() / "backlined.log");
    ASSERT_TRUE(nsmd.waitFor("/nsm/server/announce")) << daemon.output();
    lo_message refusal = lo_message_new();
    lo_message_add_string(refusal, "/nsm/server/announce");
    lo_message_add_int32(refusal, -4);
    lo_message_add_string(refusal, "no session is open");
    nsmd.send("/error", refusal);
    EXPECT_EQ(daemon.wait(20s), 1) << daemon.output();
    EXPECT_NE(daemon.output().find("the session manager refused backline: no session is open"), std::string::npos)
        << daemon.output();

    // A bad NSM_URL is said at once.
    Process bad({"env", "NSM_URL=not a url", backlinedPath().string()}, dir.path() / "bad.log");
    EXPECT_EQ(bad.wait(20s), 1) << bad.output();
    EXPECT_NE(bad.output().find("NSM_URL 'not a url' is not an OSC URL"), std::string::npos) << bad.output();
}
