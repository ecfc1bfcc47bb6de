// SPDX-License-Identifier: GPL-3.0-or-later
// The backstop behind precheckYaml: a text yaml-cpp never finishes costs a child, not the daemon.
#include "session/YamlTrial.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

using backline::session::tryYamlInChild;
using backline::session::YamlTrial;
using namespace std::chrono_literals;

namespace {

std::string regression(const std::string& name)
{
    std::ifstream in(std::filesystem::path(BACKLINE_SOURCE_DIR) / "tests/fuzz/regressions/session" / name,
        std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

TEST(YamlTrial, AGoodTextParsesAndABadOneThrows)
{
    EXPECT_EQ(tryYamlInChild("backline: 1\ntracks:\n  - name: a\n"), YamlTrial::Parses);
    EXPECT_EQ(tryYamlInChild("a: [1, 2\n"), YamlTrial::Throws);
}

TEST(YamlTrial, TextsYamlCppNeverFinishesAreCutOffAtTheLimit)
{
    // Inputs the fuzzer found, which precheckYaml refuses first; here yaml-cpp gets them raw.
    for (const char* name : {"leading-comma-yaml-cpp-runaway", "anchor-cr-comma-yaml-cpp-runaway",
             "flow-hash-comment-tag-yaml-cpp-runaway"}) {
        const std::string text = regression(name);
        ASSERT_FALSE(text.empty()) << name;
        const auto start = std::chrono::steady_clock::now();
        EXPECT_EQ(tryYamlInChild(text, 300ms), YamlTrial::RunsAway) << name;
        EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << name << ": the child was stopped";
    }
}
