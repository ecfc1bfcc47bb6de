// SPDX-License-Identifier: GPL-3.0-or-later
// control/OSC.md and the route table (control/osc/OscRoutes.cpp) say the same: a route without
// its row, a row without its route, or a reply the page never names fails here.
#include "RouteDocCheck.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace backline;
using namespace backline::control;
using namespace backline::test;

namespace {

std::string join(const std::vector<std::string>& lines)
{
    std::string out;
    for (const auto& line : lines)
        out += line + "\n";
    return out;
}

// A table and a page small enough to see whole, for the checker's own tests.
constexpr OscRoute testRoutes[] = {
    {RouteMatch::Exact, "/ping", "none", RouteThread::Osc, PortHandler {}, "/pong", "is it there"},
    {RouteMatch::Prefix, "/track/", "a number", RouteThread::Osc, PortHandler {}, "/track/…", "a parameter"},
};
constexpr OscSentAddress testSent[] = {{"/error", "anything invalid"}};

const std::string agreeing = R"(# a page

| address | arguments | reply |
|---|---|---|
| `/ping` | none | `/pong` |
| `/track/<t>/gain` | f | `/track/<t>/gain f:<value>` |
| anything else | | `/error s:address s:message` |
)";

} // namespace

TEST(OscRoutesDoc, OscMdDocumentsEveryRouteAndNothingElse)
{
    std::ifstream in(BACKLINE_SOURCE_DIR "/control/OSC.md");
    ASSERT_TRUE(in) << "cannot read control/OSC.md";
    std::stringstream text;
    text << in.rdbuf();
    const auto problems = routeDocProblems(text.str(), oscRoutes(), oscSentAddresses());
    EXPECT_TRUE(problems.empty()) << join(problems);
}

TEST(OscRoutesDoc, TheCheckerPassesAPageThatAgrees)
{
    const auto problems = routeDocProblems(agreeing, testRoutes, testSent);
    EXPECT_TRUE(problems.empty()) << join(problems);
}

TEST(OscRoutesDoc, TheCheckerFindsARouteWithoutItsRow)
{
    std::string page = agreeing;
    page.erase(page.find("| `/ping`"), page.find("| `/track/") - page.find("| `/ping`"));
    const auto problems = routeDocProblems(page, testRoutes, testSent);
    ASSERT_EQ(problems.size(), 2u) << join(problems);
    EXPECT_NE(problems[1].find("'/pong' but the page never names it"), std::string::npos) << problems[1];
    EXPECT_NE(problems[0].find("'/ping'"), std::string::npos) << problems[0];
    EXPECT_NE(problems[0].find("no row"), std::string::npos) << problems[0];
}

TEST(OscRoutesDoc, TheCheckerFindsAPrefixRouteWithoutARowUnderIt)
{
    std::string page = agreeing;
    page.erase(page.find("| `/track/"), page.find("| anything") - page.find("| `/track/"));
    const auto problems = routeDocProblems(page, testRoutes, testSent);
    ASSERT_FALSE(problems.empty());
    EXPECT_NE(problems[0].find("'/track/…'"), std::string::npos) << problems[0];
}

TEST(OscRoutesDoc, TheCheckerFindsARowWithoutItsRoute)
{
    std::string page = agreeing;
    page.insert(page.find("| anything"), "| `/pign` | none | `/pong` |\n");
    const auto problems = routeDocProblems(page, testRoutes, testSent);
    ASSERT_EQ(problems.size(), 1u) << join(problems);
    EXPECT_NE(problems[0].find("'/pign' is documented"), std::string::npos) << problems[0];
}

TEST(OscRoutesDoc, TheCheckerFindsASentAddressThePageNeverNames)
{
    constexpr OscSentAddress sent[] = {{"/error", "anything invalid"}, {"/notice/seq", "numbers notices"}};
    const auto problems = routeDocProblems(agreeing, testRoutes, sent);
    ASSERT_EQ(problems.size(), 1u) << join(problems);
    EXPECT_NE(problems[0].find("'/notice/seq'"), std::string::npos) << problems[0];
}

TEST(OscRoutesDoc, TheCheckerFindsAReplyInATableThatNothingSends)
{
    std::string page = agreeing;
    page.replace(page.find("`/pong`"), 7, "`/pang`");
    const auto problems = routeDocProblems(page, testRoutes, testSent);
    ASSERT_EQ(problems.size(), 2u) << join(problems);
    EXPECT_NE(join(problems).find("'/pong' but the page never names it"), std::string::npos) << join(problems);
    EXPECT_NE(join(problems).find("'/pang' is named in a table"), std::string::npos) << join(problems);
}

TEST(OscRoutesDoc, ProseAndOtherTablesDoNotListRequests)
{
    // An address in prose or in a table headed otherwise is not a row of its own.
    const std::string page = agreeing + "\nSee `/etc/backline/osc-allow`.\n\n| format | messages |\n|---|---|\n"
                                        "| `/meters/x` | none |\n";
    const auto problems = routeDocProblems(page, testRoutes, testSent);
    ASSERT_EQ(problems.size(), 1u) << join(problems);
    EXPECT_NE(problems[0].find("'/meters/x' is named in a table"), std::string::npos) << problems[0];
}
