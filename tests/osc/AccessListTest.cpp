// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/AccessList.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <filesystem>
#include <fstream>

using namespace backline::control;
using backline::AddressRange;

namespace {

sockaddr_storage v4(const char* text)
{
    sockaddr_storage s {};
    auto* in = reinterpret_cast<sockaddr_in*>(&s);
    in->sin_family = AF_INET;
    inet_pton(AF_INET, text, &in->sin_addr);
    return s;
}

sockaddr_storage v6(const char* text)
{
    sockaddr_storage s {};
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&s);
    in6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, text, &in6->sin6_addr);
    return s;
}

bool allows(const AccessList& list, const sockaddr_storage& s) { return list.allows(reinterpret_cast<const sockaddr*>(&s)); }

} // namespace

TEST(AddressRange, ReadsAddressesAndSubnetsOfBothFamilies)
{
    EXPECT_EQ(AddressRange::parse("192.168.0.0/16")->str(), "192.168.0.0/16");
    EXPECT_EQ(AddressRange::parse("192.168.7.9/16")->str(), "192.168.0.0/16") << "host bits are cleared";
    EXPECT_EQ(AddressRange::parse("10.1.2.3")->str(), "10.1.2.3");
    EXPECT_EQ(AddressRange::parse("::1")->str(), "::1");
    EXPECT_EQ(AddressRange::parse("fe80::/10")->str(), "fe80::/10");
    EXPECT_EQ(AddressRange::parse("0.0.0.0/0")->str(), "0.0.0.0/0");
}

TEST(AddressRange, RefusesWhatIsNotAnAddressAndSaysWhy)
{
    std::string why;
    EXPECT_FALSE(AddressRange::parse("192.168.0.0/33", &why));
    EXPECT_NE(why.find("0 to 32"), std::string::npos) << why;
    EXPECT_FALSE(AddressRange::parse("tablet.local", &why));
    EXPECT_NE(why.find("not an IPv4 or IPv6 address"), std::string::npos) << why;
    EXPECT_FALSE(AddressRange::parse("::1/129", &why));
    EXPECT_FALSE(AddressRange::parse("10.0.0.0/", &why));
    EXPECT_FALSE(AddressRange::parse("10.0.0.0/8x", &why));
}

TEST(AccessList, DefaultsAllowLoopbackAndPrivateRangesOnly)
{
    const auto list = AccessList::defaults();
    for (const char* ok : {"127.0.0.1", "127.0.0.2", "10.9.8.7", "172.16.0.1", "172.31.255.255", "192.168.1.20", "169.254.3.4"})
        EXPECT_TRUE(allows(list, v4(ok))) << ok;
    for (const char* no : {"8.8.8.8", "172.32.0.1", "192.169.0.1", "100.64.0.1"})
        EXPECT_FALSE(allows(list, v4(no))) << no;
    EXPECT_TRUE(allows(list, v6("::1")));
    EXPECT_TRUE(allows(list, v6("fe80::1")));
    EXPECT_TRUE(allows(list, v6("fd12::5")));
    EXPECT_FALSE(allows(list, v6("2001:db8::1")));
}

TEST(AccessList, IPv4MappedPeersOfADualStackSocketMatchIPv4Ranges)
{
    AccessList list({*AddressRange::parse("192.168.0.0/16")});
    EXPECT_TRUE(allows(list, v6("::ffff:192.168.4.5")));
    EXPECT_FALSE(allows(list, v6("::ffff:10.0.0.1")));
    EXPECT_FALSE(allows(list, v6("::1")));
}

TEST(AccessList, ASingleAddressExcludesItsNeighbours)
{
    AccessList list({*AddressRange::parse("127.0.0.1")});
    EXPECT_TRUE(allows(list, v4("127.0.0.1")));
    EXPECT_FALSE(allows(list, v4("127.0.0.2")));
}

TEST(AccessList, FileListsOneRangePerLineWithComments)
{
    const auto dir = std::filesystem::temp_directory_path() / ("backline-access-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "osc-allow";
    std::ofstream(file) << "# the band's network\n192.168.50.0/24  \n\n  ::1 # this machine\n";
    auto list = AccessList::fromFile(file);
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_TRUE(*list);
    EXPECT_EQ((*list)->describe(), "192.168.50.0/24, ::1");

    std::ofstream(file) << "192.168.50.0/24\nbogus\n";
    auto broken = AccessList::fromFile(file);
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("osc-allow:2:"), std::string::npos) << broken.error().message;

    std::string warning;
    const auto fallback = AccessList::forSession(std::nullopt, &warning, file);
    EXPECT_NE(warning.find("loopback"), std::string::npos);
    EXPECT_TRUE(allows(fallback, v4("127.0.0.1")));
    EXPECT_FALSE(allows(fallback, v4("192.168.50.2")));

    auto missing = AccessList::fromFile(dir / "nothing-here");
    ASSERT_TRUE(missing);
    EXPECT_FALSE(*missing);
    std::filesystem::remove_all(dir);
}

TEST(AccessList, TheSessionsListWinsOverTheSystemFile)
{
    std::string warning;
    const auto list = AccessList::forSession(std::vector {*AddressRange::parse("10.0.0.0/8")}, &warning, "/nonexistent");
    EXPECT_EQ(list.describe(), "10.0.0.0/8");
    EXPECT_TRUE(warning.empty());
}
