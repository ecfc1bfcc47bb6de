// SPDX-License-Identifier: GPL-3.0-or-later
// The on-disk cache file format: what goes in comes out, and damage is caught before LLVM sees it.
#include "faust/MachineCodeCache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using backline::faust::MachineCodeCache;
namespace fs = std::filesystem;

namespace {

class CacheFile : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir_ = fs::temp_directory_path()
            / ("backline-cache-" + std::to_string(::getpid()) + "-"
                + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path dir_;
};

const std::string code = "f0VMRgIBAQAAAAAAAAAAAAEAPgABAAAA\nsome machine code\n\n with blank lines";

} // namespace

TEST_F(CacheFile, StoresAndLoadsTheSameBytes)
{
    MachineCodeCache cache(dir_ / "nested" / "folder");
    ASSERT_TRUE(cache.store("ABC123", code));
    EXPECT_EQ(cache.fileFor("ABC123"), dir_ / "nested" / "folder" / "ABC123.fbc");
    auto loaded = cache.load("ABC123");
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded.value(), code);
    // Nothing but the file itself is left behind.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "nested" / "folder"), fs::directory_iterator()), 1);
}

TEST_F(CacheFile, MissingKeyIsAnError)
{
    MachineCodeCache cache(dir_);
    auto loaded = cache.load("NOPE");
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().code, backline::ErrorCode::Io);
}

TEST_F(CacheFile, DetectsTruncationAndBitRot)
{
    MachineCodeCache cache(dir_);
    ASSERT_TRUE(cache.store("K", code));
    const fs::path file = cache.fileFor("K");
    const auto size = fs::file_size(file);

    fs::resize_file(file, size - 3);
    EXPECT_FALSE(cache.load("K"));

    ASSERT_TRUE(cache.store("K", code));
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(std::streamoff(size - 5));
        f.put('#');
    }
    auto loaded = cache.load("K");
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.error().message.find("damaged"), std::string::npos) << loaded.error().message;
}

TEST_F(CacheFile, AFileUnderAnotherKeyIsRefused)
{
    MachineCodeCache cache(dir_);
    ASSERT_TRUE(cache.store("ONE", code));
    fs::copy_file(cache.fileFor("ONE"), cache.fileFor("TWO"));
    EXPECT_FALSE(cache.load("TWO"));
}

TEST_F(CacheFile, StoreReplacesAnOldFile)
{
    MachineCodeCache cache(dir_);
    ASSERT_TRUE(cache.store("K", "old"));
    ASSERT_TRUE(cache.store("K", "new code"));
    EXPECT_EQ(cache.load("K").value(), "new code");
}
