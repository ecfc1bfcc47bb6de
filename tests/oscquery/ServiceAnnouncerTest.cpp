// SPDX-License-Identifier: GPL-3.0-or-later
// The mDNS announcement, read back through avahi-daemon with avahi-browse (what an OSCQuery
// client's discovery sees). Skipped, saying so, where no avahi-daemon runs (CI starts one).
#include "control/oscquery/ServiceAnnouncer.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>

namespace backline::control::oscquery {
namespace {

using namespace std::chrono_literals;

std::string run(const std::string& command)
{
    std::string out;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe)
        return out;
    std::array<char, 4096> buffer {};
    while (fgets(buffer.data(), int(buffer.size()), pipe))
        out += buffer.data();
    pclose(pipe);
    return out;
}

bool avahiRuns()
{
    return run("avahi-browse -tp _oscjson._tcp; echo rc=$?").find("rc=0") != std::string::npos;
}

/// The resolved lines of a browse for type ("=;lo;IPv4;NAME;TYPE;local;HOST;ADDRESS;PORT;TXT").
std::string resolved(const std::string& type) { return run("avahi-browse -rtp " + type); }

bool listed(const std::string& type, const std::string& name, int port)
{
    std::istringstream lines(resolved(type));
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("=;", 0) == 0 && line.find(";" + name + ";") != std::string::npos
            && line.find(";" + std::to_string(port) + ";") != std::string::npos)
            return true;
    return false;
}

template <class Condition>
bool waitFor(Condition condition, std::chrono::seconds deadline)
{
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
        if (condition())
            return true;
        std::this_thread::sleep_for(100ms);
    }
    return condition();
}

std::string uniqueName(const char* what) { return std::string("backline-test-") + what + "-" + std::to_string(getpid()); }

TEST(ServiceAnnouncer, OscQueryAndOscAreFoundByTypeWithTheirPortsAndGoneWhenItStops)
{
    if (!avahiRuns())
        GTEST_SKIP() << "no avahi-daemon runs here (start one, as .ci/run does, to test the announcement)";
    const std::string name = uniqueName("found");
    {
        ServiceAnnouncer announcer(name, {{"_oscjson._tcp", 45678}, {"_osc._udp", 45679}});
        ASSERT_TRUE(waitFor([&] { return announcer.state() == "announced as " + name; }, 30s)) << announcer.state();
        EXPECT_TRUE(waitFor([&] { return listed("_oscjson._tcp", name, 45678); }, 30s)) << resolved("_oscjson._tcp");
        EXPECT_TRUE(waitFor([&] { return listed("_osc._udp", name, 45679); }, 30s)) << resolved("_osc._udp");
    }
    EXPECT_TRUE(waitFor([&] { return !listed("_oscjson._tcp", name, 45678); }, 30s)) << resolved("_oscjson._tcp");
}

TEST(ServiceAnnouncer, ASecondBacklineWithTheSameNameTakesTheNextAlternative)
{
    if (!avahiRuns())
        GTEST_SKIP() << "no avahi-daemon runs here (start one, as .ci/run does, to test the announcement)";
    const std::string name = uniqueName("twice");
    ServiceAnnouncer first(name, {{"_oscjson._tcp", 45680}});
    ASSERT_TRUE(waitFor([&] { return first.state() == "announced as " + name; }, 30s)) << first.state();
    ServiceAnnouncer second(name, {{"_oscjson._tcp", 45681}});
    ASSERT_TRUE(waitFor([&] { return second.state().rfind("announced as ", 0) == 0; }, 30s)) << second.state();
    EXPECT_EQ(second.name(), name + " #2");
    EXPECT_EQ(first.name(), name);
    // avahi-browse -p writes the space as \032 and the '#' as \035.
    EXPECT_TRUE(waitFor([&] { return listed("_oscjson._tcp", name + "\\032\\0352", 45681); }, 30s)) << resolved("_oscjson._tcp");
}

/// DBUS_SYSTEM_BUS_ADDRESS for the lifetime of one scope (Avahi's client reads it for every new
/// client), put back after.
class SystemBusAddress {
public:
    explicit SystemBusAddress(const std::string& address)
    {
        if (const char* old = std::getenv("DBUS_SYSTEM_BUS_ADDRESS"))
            old_ = old;
        setenv("DBUS_SYSTEM_BUS_ADDRESS", address.c_str(), 1);
    }
    ~SystemBusAddress()
    {
        if (old_)
            setenv("DBUS_SYSTEM_BUS_ADDRESS", old_->c_str(), 1);
        else
            unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
    }
    SystemBusAddress(const SystemBusAddress&) = delete;
    SystemBusAddress& operator=(const SystemBusAddress&) = delete;

private:
    std::optional<std::string> old_;
};

/// Runs in a process of its own: libdbus keeps the first system bus address a process used.
[[noreturn]] void announceOnALateBus(bool daemonHere)
{
    const auto fail = [](const std::string& why) {
        std::fprintf(stderr, "%s\n", why.c_str());
        std::exit(1);
    };
    char dir[] = "/tmp/backline-nobus-XXXXXX";
    if (!mkdtemp(dir))
        fail("mkdtemp failed");
    const std::string socket = std::string(dir) + "/system_bus_socket";
    const std::string name = uniqueName("latebus");
    std::string why;
    {
        const SystemBusAddress address("unix:path=" + socket);
        ServiceAnnouncer announcer(name, {{"_oscjson._tcp", 45682}});
        if (announcer.state() != "waiting for avahi-daemon")
            why = "without a bus: " + announcer.state();
        else if (!daemonHere) {
            // No bus to bring: it keeps waiting through its first retries without failing.
            std::this_thread::sleep_for(3500ms);
            if (announcer.state() != "waiting for avahi-daemon")
                why = "after its retries: " + announcer.state();
        } else if (symlink("/run/dbus/system_bus_socket", socket.c_str()) != 0) {
            why = "cannot link the bus";
        } else if (!waitFor([&] { return announcer.state() == "announced as " + name; }, 30s)) {
            why = "once the bus is there: " + announcer.state();
        } else if (!waitFor([&] { return listed("_oscjson._tcp", name, 45682); }, 30s)) {
            why = "not listed: " + resolved("_oscjson._tcp");
        }
    }
    unlink(socket.c_str());
    rmdir(dir);
    if (!why.empty())
        fail(why);
    std::exit(0);
}

TEST(ServiceAnnouncer, WithoutASystemBusItWaitsAndAnnouncesOnceOneAppears)
{
    // The bus address names a socket that is not there yet (a boot where D-Bus starts after
    // backlined, a container without one); later it appears as a link to this machine's bus.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    const bool daemonHere = avahiRuns();
    EXPECT_EXIT(announceOnALateBus(daemonHere), testing::ExitedWithCode(0), "");
}

TEST(ServiceAnnouncer, ALongNameIsCutToOneDnsLabelOnACharacterBoundary)
{
    std::string name(62, 'a');
    name += "é"; // two bytes: the 63rd and 64th
    ServiceAnnouncer announcer(name, {{"_oscjson._tcp", 45683}});
    EXPECT_EQ(announcer.name().substr(0, 62), std::string(62, 'a'));
    EXPECT_LE(announcer.name().size(), 63u);
    EXPECT_EQ(announcer.name().find("\xc3"), std::string::npos);
    EXPECT_EQ(announcer.name().size() == 63 ? announcer.name()[62] : 'a', 'a') << "no half character";
}

} // namespace
} // namespace backline::control::oscquery
