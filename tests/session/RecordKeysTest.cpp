// SPDX-License-Identifier: GPL-3.0-or-later
// The `record:` map of a session.
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

using namespace backline::session;

namespace {

const char* tracks = "backline: 1\ntracks:\n  - name: vox\n  - name: gtr\nbuses:\n  - name: verb\n";

std::string errorOf(const std::string& record)
{
    auto r = loadSessionText(std::string(tracks) + record, "/shows/friday/rec.yaml");
    return r ? std::string("(loaded)") : r.error().message;
}

} // namespace

TEST(SessionRecord, ReadsEveryKeyAndResolvesTheFolderAgainstTheSession)
{
    auto s = loadSessionText(std::string(tracks)
            + "record:\n  folder: takes\n  format: FLAC\n  bits: 16\n  ring_seconds: 8\n  preroll_seconds: 30\n"
              "  min_free_mb: 2048\n  header_refresh_seconds: 0.25\n  sources: [track/*/input, track/vox/post, bus/verb, master]\n",
        "/shows/friday/rec.yaml");
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(s->record);
    EXPECT_EQ(s->record->folder, "/shows/friday/takes");
    EXPECT_EQ(s->record->format, "flac");
    EXPECT_EQ(s->record->bits, 16);
    EXPECT_DOUBLE_EQ(s->record->ringSeconds, 8.0);
    EXPECT_DOUBLE_EQ(s->record->prerollSeconds, 30.0);
    EXPECT_EQ(s->record->minFreeMb, 2048);
    EXPECT_DOUBLE_EQ(s->record->headerRefreshSeconds, 0.25);
    ASSERT_EQ(s->record->sources.size(), 4u);
    EXPECT_EQ(s->record->sources[1].id, "track/vox/post");
    EXPECT_FALSE(s->text.empty());
}

TEST(SessionRecord, DefaultsWhenTheMapIsEmpty)
{
    auto s = loadSessionText(std::string(tracks) + "record: {}\n", "/shows/friday/rec.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->record->folder, "/shows/friday/takes");
    EXPECT_EQ(s->record->format, "rf64");
    EXPECT_EQ(s->record->bits, 24);
    EXPECT_TRUE(s->record->sources.empty());
}

TEST(SessionRecord, AnUnknownSourceSuggestsTheClosestOne)
{
    EXPECT_EQ(errorOf("record:\n  sources: [track/vx/post]\n"),
        "/shows/friday/rec.yaml:8:13: record source 'track/vx/post' names no track or bus (did you mean "
        "'track/vox/post'?)");
}

TEST(SessionRecord, BadFormatsBitsRangesAndDuplicatesAreRefused)
{
    EXPECT_NE(errorOf("record:\n  format: mp3\n").find("rec.yaml:8:11: 'format' must be rf64, wav, w64, caf or flac"),
        std::string::npos);
    EXPECT_NE(errorOf("record:\n  bits: 20\n").find("rec.yaml:8:9: 'bits' must be 16, 24 or 32"), std::string::npos);
    EXPECT_NE(errorOf("record:\n  format: flac\n  bits: 32\n").find("'flac' records 16 or 24 bits"), std::string::npos);
    EXPECT_NE(errorOf("record:\n  ring_seconds: 0\n").find("rec.yaml:8:17:"), std::string::npos);
    EXPECT_NE(errorOf("record:\n  sources: [master, master]\n").find("'master' is listed twice"), std::string::npos);
    EXPECT_NE(errorOf("record:\n  sources: master\n").find("'sources' must be a list"), std::string::npos);
    EXPECT_NE(errorOf("record:\n  foldr: x\n").find("unknown key 'foldr' in 'record' (did you mean 'folder'?)"),
        std::string::npos);
}
