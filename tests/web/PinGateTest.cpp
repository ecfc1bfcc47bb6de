// SPDX-License-Identifier: GPL-3.0-or-later
// PinGate and the request text the web server reads itself (paths, forms, cookies).
#include "control/osc/PinGate.h"
#include "control/web/HttpText.h"
#include "control/web/StaticFiles.h"

#include <gtest/gtest.h>

using namespace backline::control;

namespace {

PeerAddress address(std::uint8_t last)
{
    PeerAddress a;
    a.bytes[10] = a.bytes[11] = 0xff;
    a.bytes[12] = 127;
    a.bytes[15] = last;
    return a;
}

constexpr std::int64_t second = 1'000'000'000;

} // namespace

TEST(PinGate, AcceptsAnythingWithoutAPin)
{
    PinGate gate;
    EXPECT_FALSE(gate.active());
    EXPECT_EQ(gate.check(address(1), "whatever", 0).verdict, PinGate::Verdict::Accepted);
}

TEST(PinGate, LocksOutAfterTheFreeTriesForLongerEachTime)
{
    PinGate gate("2468", PinPolicy {3, std::chrono::seconds(5), std::chrono::seconds(60), 16});
    std::int64_t now = 100 * second;
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(gate.check(address(1), "1", now).verdict, PinGate::Verdict::Wrong);
    auto first = gate.check(address(1), "1", now);
    EXPECT_EQ(first.verdict, PinGate::Verdict::LockedOut);
    EXPECT_EQ(first.retryAfter.count(), 5);
    EXPECT_EQ(gate.check(address(1), "2468", now + 4 * second).verdict, PinGate::Verdict::LockedOut);
    now += 6 * second;
    auto second2 = gate.check(address(1), "1", now);
    EXPECT_EQ(second2.verdict, PinGate::Verdict::LockedOut);
    EXPECT_EQ(second2.retryAfter.count(), 10) << "doubled";
    now += 11 * second;
    EXPECT_EQ(gate.check(address(1), "2468", now).verdict, PinGate::Verdict::Accepted);
    EXPECT_EQ(gate.check(address(1), "1", now).verdict, PinGate::Verdict::Wrong) << "a right PIN starts afresh";
    for (int i = 0; i < 10; ++i)
        gate.check(address(1), "1", now);
    EXPECT_LE(gate.check(address(1), "1", now + 1000 * second).retryAfter.count(), 60) << "capped";
}

TEST(PinGate, ComparesWholeSecrets)
{
    EXPECT_TRUE(PinGate::sameSecret("2468", "2468"));
    EXPECT_FALSE(PinGate::sameSecret("2468", "246"));
    EXPECT_FALSE(PinGate::sameSecret("2468", "24680"));
    EXPECT_FALSE(PinGate::sameSecret("", "0"));
    EXPECT_FALSE(PinGate::sameSecret(std::string("24\0" "8", 4), "24"));
}

TEST(PinGate, ANewPinBumpsTheGeneration)
{
    PinGate gate("1");
    const auto before = gate.generation();
    gate.setPin("1");
    EXPECT_EQ(gate.generation(), before);
    gate.setPin("2");
    EXPECT_NE(gate.generation(), before);
}

TEST(HttpText, DecodesPathsAndRefusesTraversal)
{
    auto ok = httptext::parseTarget("/js/app%20x.js?a=1");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->path, "/js/app x.js");
    EXPECT_EQ(ok->query, "a=1");
    for (const char* bad : {"", "x", "/..", "/../a", "/a/..", "/%2e%2e/a", "/%2E%2e", "/.%2e/", "/a%2f..%2fb/../c",
             "/%", "/%4", "/%g0", "/a%00b", "/a\\b", "//a", "/./a"})
        EXPECT_FALSE(httptext::parseTarget(bad)) << bad;
    EXPECT_TRUE(httptext::parseTarget("/..a/b..")) << "dots inside a name are fine";
}

TEST(HttpText, PercentDecodingIsExact)
{
    EXPECT_EQ(httptext::percentDecode("a%2Fb%2fc+d"), "a/b/c+d");
    EXPECT_EQ(httptext::percentDecode(""), "");
    EXPECT_EQ(httptext::percentDecode("%00"), std::string(1, '\0')) << "the caller decides about NUL";
    for (const char* bad : {"%", "%4", "%G0", "a%2"})
        EXPECT_FALSE(httptext::percentDecode(bad)) << bad;
}

TEST(HttpText, ReadsFormsAndCookies)
{
    EXPECT_EQ(httptext::formField("a=1&pin=12%2034+5", "pin"), "12 34 5");
    EXPECT_FALSE(httptext::formField("a=1", "pin"));
    EXPECT_FALSE(httptext::formField("pin=%zz", "pin"));
    EXPECT_EQ(httptext::cookie("a=1; backline_pin=abc; b=2", "backline_pin"), "abc");
    EXPECT_EQ(httptext::cookie("xbackline_pin=abc", "backline_pin"), "");
}

TEST(StaticFiles, KnowsTheTypesAPageUses)
{
    EXPECT_EQ(StaticFiles::contentType("a/index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(StaticFiles::contentType("app.mjs"), "text/javascript; charset=utf-8");
    EXPECT_EQ(StaticFiles::contentType("style.css"), "text/css; charset=utf-8");
    EXPECT_EQ(StaticFiles::contentType("icon.svg"), "image/svg+xml");
    EXPECT_EQ(StaticFiles::contentType("x.v1/README"), "application/octet-stream");
}

// The files built in by backline_embed_files are the folder's, byte for byte.
namespace backline::control {
std::span<const EmbeddedFile> embeddedTestFiles();
}

TEST(StaticFiles, TheBuiltInFilesAreTheFolders)
{
    StaticFiles files(embeddedTestFiles());
    auto index = files.find("/");
    ASSERT_TRUE(index);
    EXPECT_NE(index->body.find("backline test page"), std::string::npos);
    EXPECT_EQ(index->contentType, "text/html; charset=utf-8");
    auto script = files.find("/js/app.js");
    ASSERT_TRUE(script);
    EXPECT_EQ(script->body, "console.log(\"backline test script\");\n");
    EXPECT_FALSE(files.find("/missing.js"));
    EXPECT_FALSE(files.find("/js"));
    EXPECT_EQ(embeddedTestFiles().size(), 2u);
}
