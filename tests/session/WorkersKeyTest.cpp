// SPDX-License-Identifier: GPL-3.0-or-later
// The `workers` key: threads that run the mix, 1 to 64; refused at its file:line:column otherwise.
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using backline::session::loadSessionText;

std::string withWorkers(const std::string& line) { return "backline: 1\n" + line + "\ntracks: []\n"; }

TEST(WorkersKey, IsTheMachinesUnlessTheSessionSays)
{
    auto unsaid = loadSessionText(withWorkers(""), "demo.yaml");
    ASSERT_TRUE(unsaid) << unsaid.error().message;
    EXPECT_FALSE(unsaid->workers);
    for (int n : {1, 2, 64}) {
        auto said = loadSessionText(withWorkers("workers: " + std::to_string(n)), "demo.yaml");
        ASSERT_TRUE(said) << said.error().message;
        EXPECT_EQ(said->workers, n);
    }
}

TEST(WorkersKey, BadValuesAreRefusedWhereTheyAre)
{
    for (const char* bad : {"workers: 0", "workers: 65", "workers: -1", "workers: 2.5", "workers: auto", "workers: [2]",
             "workers:"}) {
        const auto result = loadSessionText(withWorkers(bad), "demo.yaml");
        ASSERT_FALSE(result) << bad;
        EXPECT_TRUE(result.error().message.starts_with("demo.yaml:2:")) << bad << ": " << result.error().message;
        EXPECT_NE(result.error().message.find("'workers' must be a whole number from 1 to 64"), std::string::npos)
            << bad << ": " << result.error().message;
    }
}

} // namespace
