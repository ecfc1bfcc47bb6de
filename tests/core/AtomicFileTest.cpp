// SPDX-License-Identifier: GPL-3.0-or-later
// Whole-file replacement: the new text or an error, never a half-written file or a leftover.
#include "core/AtomicFile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class AtomicFile : public ::testing::Test {
protected:
    // A folder of the test's own (its process and name), empty at the start.
    void SetUp() override
    {
        fs::remove_all(dir_);
        ASSERT_TRUE(fs::create_directories(dir_));
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::size_t entries() const { return std::size_t(std::distance(fs::directory_iterator(dir_), {})); }
    const fs::path dir_ = fs::temp_directory_path()
        / ("backline-atomic-" + std::to_string(::getpid()) + "-"
            + ::testing::UnitTest::GetInstance()->current_test_info()->name());
};

TEST_F(AtomicFile, ReplacesAFileWholeAndLeavesNothingElse)
{
    const auto file = dir_ / "session.yaml";
    ASSERT_TRUE(backline::writeFileAtomically(file, "first\n"));
    ASSERT_TRUE(backline::writeFileAtomically(file, "second\n"));
    EXPECT_EQ(readFile(file), "second\n");
    EXPECT_EQ(entries(), 1u) << "no temporary file left";
}

TEST_F(AtomicFile, WritesThroughASymbolicLinkWhichStays)
{
    const auto real = dir_ / "real.yaml";
    const auto link = dir_ / "session.yaml";
    ASSERT_TRUE(backline::writeFileAtomically(real, "old\n"));
    fs::create_symlink(real, link);
    ASSERT_TRUE(backline::writeFileAtomically(link, "new\n"));
    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(readFile(real), "new\n");
}

TEST_F(AtomicFile, APlaceThatCannotBeWrittenIsAnErrorThatNamesItAndChangesNothing)
{
    auto missing = backline::writeFileAtomically(dir_ / "no-such-folder" / "x.yaml", "text");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("no-such-folder"), std::string::npos) << missing.error().message;
    EXPECT_NE(missing.error().message.find("No such file or directory"), std::string::npos);
    auto folder = backline::writeFileAtomically(dir_, "text");
    ASSERT_FALSE(folder);
    EXPECT_NE(folder.error().message.find("it is a folder"), std::string::npos) << folder.error().message;
    EXPECT_EQ(entries(), 0u);
}

TEST_F(AtomicFile, TheFileIsUntouchedUntilTheRename)
{
    const auto file = dir_ / "session.yaml";
    ASSERT_TRUE(backline::writeFileAtomically(file, "old\n"));
    std::string during;
    ASSERT_TRUE(backline::writeFileAtomically(file, "new\n", [&] { during = readFile(file); }));
    EXPECT_EQ(during, "old\n");
    EXPECT_EQ(readFile(file), "new\n");
}

} // namespace
