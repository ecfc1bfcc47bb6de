// SPDX-License-Identifier: GPL-3.0-or-later
// The example sessions in sessions/: every one loads, and gig.yaml shows every key of the show
// (tests/integration/DaemonCliTest.cpp renders its songs through the daemon).
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

using namespace backline;
using namespace backline::session;

namespace fs = std::filesystem;

TEST(ExampleSessions, EveryExampleSessionLoads)
{
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(BACKLINE_SOURCE_DIR) / "sessions")) {
        if (entry.path().extension() != ".yaml")
            continue;
        ++count;
        auto spec = loadSessionFile(entry.path());
        EXPECT_TRUE(spec) << entry.path() << ": " << spec.error().message;
    }
    EXPECT_GE(count, 2u) << "demo.yaml and gig.yaml at least";
}

TEST(ExampleSessions, TheGigHasTwoSongsUsingEveryKeyOfTheShow)
{
    auto spec = loadSessionFile(fs::path(BACKLINE_SOURCE_DIR) / "sessions/gig.yaml");
    ASSERT_TRUE(spec) << spec.error().message;
    EXPECT_EQ(spec->transport.jack, transport::JackMode::Off);
    EXPECT_FALSE(spec->scenes.empty());
    EXPECT_FALSE(spec->safe.empty());
    EXPECT_EQ(spec->sceneRecall.fadeSeconds, 1.0);
    ASSERT_EQ(spec->songs.size(), 2u);
    ASSERT_EQ(spec->setlist.size(), 2u);
    std::set<SectionEnd> ends;
    bool fade = false, tempo = false, meter = false;
    for (const SongSpec& song : spec->songs) {
        EXPECT_TRUE(song.tempo) << song.name;
        EXPECT_TRUE(song.meter) << song.name;
        EXPECT_EQ(song.firstRepeat(), nullptr) << song.name << " ends by itself: --render --song needs no --duration";
        for (const SectionSpec& section : song.sections) {
            EXPECT_FALSE(section.scene.empty()) << song.name << "/" << section.name;
            ends.insert(section.then);
            fade = fade || section.fadeSeconds > 0.0;
            tempo = tempo || section.tempo.has_value();
            meter = meter || section.meter.has_value();
        }
    }
    EXPECT_EQ(ends, (std::set<SectionEnd> {SectionEnd::Next, SectionEnd::Loop, SectionEnd::Stop, SectionEnd::Goto}));
    EXPECT_TRUE(fade && tempo && meter) << "a section with a fade, one with a tempo, one with a meter";
}
