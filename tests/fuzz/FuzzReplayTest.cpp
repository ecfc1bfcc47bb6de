// SPDX-License-Identifier: GPL-3.0-or-later
// Replays every seed and every input a fuzzer ever crashed on through its harness, in every
// build (sanitizers or not): a crash once found stays fixed. Crashes found by a long run go in
// tests/fuzz/regressions/<harness>/ (see docs/RELIABILITY.md).
#include "FuzzHarnesses.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using Harness = int (*)(const std::uint8_t*, std::size_t);

/// Every file below the given folders, in a stable order.
std::vector<fs::path> inputsIn(const std::vector<fs::path>& folders)
{
    std::vector<fs::path> files;
    for (const auto& folder : folders) {
        if (!fs::is_directory(folder))
            continue;
        for (const auto& entry : fs::recursive_directory_iterator(folder))
            if (entry.is_regular_file() && entry.path().filename().string().front() != '.')
                files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

/// Runs harness over every file; a crash names the file (printed first, as the crash kills us).
std::size_t replay(Harness harness, const std::vector<fs::path>& folders)
{
    const auto files = inputsIn(folders);
    for (const auto& file : files) {
        std::fprintf(stderr, "replaying %s\n", file.c_str());
        std::ifstream in(file, std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(harness(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0) << file;
    }
    return files.size();
}

const fs::path fuzzDir = BACKLINE_FUZZ_DIR;

} // namespace

TEST(FuzzReplay, OscSeedsAndPastCrashesRunClean)
{
    const auto count = replay(backline::fuzz::fuzzOsc, {fuzzDir / "corpus/osc", fuzzDir / "regressions/osc"});
    EXPECT_GT(count, 10u);
}

TEST(FuzzReplay, WebSeedsAndPastCrashesRunClean)
{
    const auto count = replay(backline::fuzz::fuzzWeb, {fuzzDir / "corpus/web", fuzzDir / "regressions/web"});
    EXPECT_GE(count, 10u);
}

TEST(FuzzReplay, MidiSeedsAndPastCrashesRunClean)
{
    const auto count = replay(backline::fuzz::fuzzMidi, {fuzzDir / "corpus/midi", fuzzDir / "regressions/midi"});
    EXPECT_GE(count, 10u);
}

TEST(FuzzReplay, SessionSeedsExamplesFixturesAndPastCrashesRunClean)
{
    // The example sessions and the loader's fixtures are seeds too, so new keys are covered as
    // soon as a session uses them.
    const auto count = replay(backline::fuzz::fuzzSession,
        {fuzzDir / "corpus/session", fuzzDir / "regressions/session", fs::path(BACKLINE_SOURCE_DIR) / "sessions",
            fs::path(BACKLINE_TEST_DATA_DIR) / "sessions"});
    EXPECT_GT(count, 10u);
}
