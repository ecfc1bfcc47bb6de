// SPDX-License-Identifier: GPL-3.0-or-later
// The mDNS announcement, read back through avahi-daemon with avahi-browse (what an OSCQuery
// client's discovery sees). Skipped, saying so, where no avahi-daemon runs (CI starts one).
#include "control/oscquery/ServiceAnnouncer.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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

TEST(ServiceAnnouncer, WithoutAvahiDaemonItWaitsAndNeverFails)
{
    // Only where no avahi-daemon runs (a container, a minimal install): the other tests need one.
    if (avahiRuns())
        GTEST_SKIP() << "avahi-daemon runs here: the tests above cover this machine";
    ServiceAnnouncer announcer("backline-test-nodaemon", {{"_oscjson._tcp", 45682}});
    EXPECT_TRUE(waitFor([&] { return announcer.state() == "waiting for avahi-daemon"; }, 10s)) << announcer.state();
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
