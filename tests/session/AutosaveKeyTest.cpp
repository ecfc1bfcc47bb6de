// SPDX-License-Identifier: GPL-3.0-or-later
// The `autosave_seconds` key: read when in range, refused at its file:line:column otherwise.
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using backline::session::loadSessionText;

std::string withAutosave(const std::string& line) { return "backline: 1\n" + line + "\ntracks: []\n"; }

std::string errorOf(const std::string& yaml)
{
    const auto result = loadSessionText(yaml, "demo.yaml");
    return result ? std::string("(loaded without error)") : result.error().message;
}

TEST(AutosaveKey, IsOffUnlessTheSessionSaysAndReadsWholeSeconds)
{
    auto off = loadSessionText(withAutosave(""), "demo.yaml");
    ASSERT_TRUE(off) << off.error().message;
    EXPECT_FALSE(off->autosaveSeconds);
    auto on = loadSessionText(withAutosave("autosave_seconds: 60"), "demo.yaml");
    ASSERT_TRUE(on) << on.error().message;
    EXPECT_EQ(on->autosaveSeconds, 60);
    for (const char* edge : {"autosave_seconds: 10", "autosave_seconds: 86400"})
        EXPECT_TRUE(loadSessionText(withAutosave(edge), "demo.yaml")) << edge;
}

TEST(AutosaveKey, BadValuesAreRefusedWhereTheyAre)
{
    const std::string range = "'autosave_seconds' must be a whole number from 10 to 86400";
    for (const char* bad : {"autosave_seconds: 5", "autosave_seconds: 86401", "autosave_seconds: 0",
             "autosave_seconds: -30", "autosave_seconds: 12.5", "autosave_seconds: often",
             "autosave_seconds: [60]", "autosave_seconds:"}) {
        const std::string message = errorOf(withAutosave(bad));
        EXPECT_TRUE(message.starts_with("demo.yaml:2:")) << bad << ": " << message;
        EXPECT_NE(message.find(range), std::string::npos) << bad << ": " << message;
    }
    const std::string typo = errorOf(withAutosave("autosave_second: 60"));
    EXPECT_TRUE(typo.starts_with("demo.yaml:2:1: ")) << typo;
    EXPECT_NE(typo.find("did you mean 'autosave_seconds'"), std::string::npos) << typo;
}

} // namespace
