// SPDX-License-Identifier: GPL-3.0-or-later
#include "record/RecordSettings.h"
#include "record/TakeNames.h"

#include <gtest/gtest.h>

#include <regex>

using namespace backline::record;

TEST(TakeNames, AcceptsPlainNames)
{
    for (const char* ok : {"friday", "set-2", "take_03", "v1.2", "A"})
        EXPECT_TRUE(validateTakeName(ok)) << ok;
}

TEST(TakeNames, RefusesAnythingThatCouldLeaveTheRecordFolder)
{
    for (const char* bad : {"", ".", "..", "../x", "x/..", "/abs", "a/b", "a\\b", ".git", "\x01", "x\x7f", "é"})
        EXPECT_FALSE(validateTakeName(bad)) << bad;
}

TEST(TakeNames, ControlCharactersAreShownEscapedInTheMessage)
{
    auto r = validateTakeName("a\nb");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("a\\x0ab"), std::string::npos) << r.error().message;
}

TEST(TakeNames, SourceIdsAreSlashSeparatedWords)
{
    for (const char* ok : {"master", "track/vox/input", "track/vox/post", "bus/verb", "track/a-b_c/input"})
        EXPECT_TRUE(validateSourceId(ok)) << ok;
    for (const char* bad : {"", "/master", "master/", "a//b", "a/./b", "a b", "a/../b"})
        EXPECT_FALSE(validateSourceId(bad)) << bad;
}

TEST(TakeNames, FileStemReplacesSlashesAndNumbersSegments)
{
    EXPECT_EQ(sourceFileStem("track/vox/input", 1), "track-vox-input");
    EXPECT_EQ(sourceFileStem("master", 2), "master-seg2");
}

TEST(TakeNames, FolderNameHasDateTimeAndName)
{
    const std::string folder = takeFolderName(std::chrono::system_clock::now(), "gig");
    EXPECT_TRUE(std::regex_match(folder, std::regex(R"(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}_gig)"))) << folder;
    EXPECT_TRUE(std::regex_match(isoTimestamp(std::chrono::system_clock::now()),
        std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2})")));
}

TEST(RecordSettings, ParsesFormatsAndBits)
{
    EXPECT_EQ(*parseFileFormat("RF64"), FileFormat::Rf64);
    EXPECT_EQ(*parseFileFormat("flac"), FileFormat::Flac);
    EXPECT_FALSE(parseFileFormat("mp3"));
    EXPECT_EQ(*parseSampleBits(32), SampleBits::Float32);
    EXPECT_FALSE(parseSampleBits(8));
    EXPECT_FALSE(sndfileFormat(FileFormat::Flac, SampleBits::Float32));
    EXPECT_EQ(formatExtension(FileFormat::Rf64), ".wav");
}
