// SPDX-License-Identifier: GPL-3.0-or-later
// The `songs:` and `setlist:` keys of a session.
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

using namespace backline;
using namespace backline::session;

namespace {

const char* tracks = "backline: 1\ntracks:\n  - name: vox\n";
const char* scenes = "scenes:\n  verse: {/track/vox/gain: -6}\n  chorus: {/track/vox/gain: 0}\n";

/// The session with two scenes at its end (so line numbers of show stay those of its start at 4).
Result<SessionSpec> load(const std::string& show)
{
    return loadSessionText(std::string(tracks) + show + scenes, "/shows/friday/show.yaml");
}

std::string errorOf(const std::string& show)
{
    auto r = load(show);
    return r ? std::string("(loaded)") : r.error().message;
}

const char* twoSongs = R"(songs:
  - name: opener
    tempo: 132
    meter: [6, 8]
    sections:
      - {name: intro, bars: 4, scene: verse}
      - {name: chorus, bars: 8, scene: chorus, fade: 2, then: loop}
      - {name: bridge, bars: 2, tempo: 90, meter: [3, 4], then: goto chorus}
      - {name: outro, bars: 1, then: stop}
  - name: ballad
    sections:
      - {name: all, bars: 16}
)";

} // namespace

TEST(SessionSongs, ReadsSongsSectionsAndWhatEachSectionDoesAtItsEnd)
{
    auto s = load(twoSongs);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->songs.size(), 2u);
    const SongSpec& opener = s->songs[0];
    EXPECT_EQ(opener.name, "opener");
    EXPECT_EQ(opener.tempo, 132.0);
    EXPECT_EQ(opener.meter, (MeterSpec {6, 8}));
    ASSERT_EQ(opener.sections.size(), 4u);
    EXPECT_EQ(opener.sections[0].name, "intro");
    EXPECT_EQ(opener.sections[0].bars, 4);
    EXPECT_EQ(opener.sections[0].scene, "verse");
    EXPECT_EQ(opener.sections[0].fadeSeconds, 0.0);
    EXPECT_EQ(opener.sections[0].then, SectionEnd::Next) << "a section goes on to the next unless it says otherwise";
    EXPECT_EQ(opener.sections[0].where.line, 9);
    EXPECT_EQ(opener.sections[0].sceneWhere.str(), "/shows/friday/show.yaml:9:39");
    EXPECT_EQ(opener.sections[1].fadeSeconds, 2.0);
    EXPECT_EQ(opener.sections[1].then, SectionEnd::Loop);
    EXPECT_EQ(opener.sections[2].tempo, 90.0);
    EXPECT_EQ(opener.sections[2].meter, (MeterSpec {3, 4}));
    EXPECT_EQ(opener.sections[2].then, SectionEnd::Goto);
    EXPECT_EQ(opener.sections[2].gotoSection, "chorus");
    EXPECT_EQ(opener.sections[3].then, SectionEnd::Stop);
    EXPECT_FALSE(opener.sections[0].tempo) << "a section without a tempo keeps the one playing";
    const SongSpec& ballad = s->songs[1];
    EXPECT_FALSE(ballad.tempo) << "a song without a tempo starts at the transport's";
    EXPECT_FALSE(ballad.meter);
    EXPECT_TRUE(ballad.sections[0].scene.empty());
}

TEST(SessionSongs, ASongEndsByItselfUnlessASectionPlaysAgainAsWritten)
{
    auto s = load(R"(songs:
  - name: through
    sections:
      - {name: a, bars: 1, then: goto c}
      - {name: b, bars: 1, then: loop}
      - {name: c, bars: 1}
  - name: halts
    sections:
      - {name: a, bars: 1, then: stop}
      - {name: b, bars: 1, then: loop}
  - name: loops
    sections:
      - {name: a, bars: 1}
      - {name: b, bars: 1, then: loop}
  - name: back
    sections:
      - {name: a, bars: 1}
      - {name: b, bars: 1}
      - {name: c, bars: 1, then: goto b}
)");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->songs[0].firstRepeat(), nullptr) << "a goto forward skips the loop; the last section ends it";
    EXPECT_EQ(s->songs[1].firstRepeat(), nullptr) << "a stop ends it before the loop";
    ASSERT_NE(s->songs[2].firstRepeat(), nullptr);
    EXPECT_EQ(s->songs[2].firstRepeat()->name, "b");
    ASSERT_NE(s->songs[3].firstRepeat(), nullptr);
    EXPECT_EQ(s->songs[3].firstRepeat()->name, "b") << "the section the goto goes back to";
}

TEST(SessionSongs, WithoutASetlistTheSongsArePlayedInFileOrder)
{
    auto s = load(twoSongs);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->setlist.size(), 2u);
    EXPECT_EQ(s->setlist[0].song, "opener");
    EXPECT_EQ(s->setlist[1].song, "ballad");
    auto none = load("");
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_TRUE(none->songs.empty());
    EXPECT_TRUE(none->setlist.empty());
}

TEST(SessionSongs, ASetlistOrdersTheSongsAndMayPlayOneTwice)
{
    auto s = load(std::string(twoSongs) + "setlist: [ballad, opener, ballad]\n");
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->setlist.size(), 3u);
    EXPECT_EQ(s->setlist[0].song, "ballad");
    EXPECT_EQ(s->setlist[1].song, "opener");
    EXPECT_EQ(s->setlist[2].song, "ballad");
    auto first = load(std::string("setlist: [opener]\n") + twoSongs);
    ASSERT_TRUE(first) << "the setlist may come before the songs: " << first.error().message;
}

TEST(SessionSongs, BadSongsAreRefusedWithTheirPosition)
{
    const std::string song = "songs:\n  - name: opener\n    sections:\n";
    EXPECT_EQ(errorOf(song + "      - {name: intro, bars: 0}\n"),
        "/shows/friday/show.yaml:7:29: 'bars' must be a whole number from 1 to 10000, got '0'");
    EXPECT_EQ(errorOf(song + "      - {name: intro}\n"),
        "/shows/friday/show.yaml:7:9: section 'intro' in song 'opener' has no 'bars' (how many bars it lasts, 1 to "
        "10000)");
    EXPECT_EQ(errorOf(song + "      - {bars: 4}\n"), "/shows/friday/show.yaml:7:9: a section in song 'opener' has no 'name'");
    EXPECT_EQ(errorOf(song + "      - {name: intro, bars: 4, then: goto chrous}\n      - {name: chorus, bars: 4}\n"),
        "/shows/friday/show.yaml:7:9: section 'intro' of song 'opener' goes to 'chrous', which is not a section of the "
        "song (did you mean 'chorus'?)");
    EXPECT_EQ(errorOf(song + "      - {name: intro, bars: 4, then: repeat}\n"),
        "/shows/friday/show.yaml:7:38: 'then' must be next, loop, stop or 'goto <section>', got 'repeat'");
    EXPECT_EQ(errorOf(song + "      - {name: intro, bars: 4}\n      - {name: intro, bars: 2}\n"),
        "/shows/friday/show.yaml:8:9: song 'opener' has two sections named 'intro' (the first at line 7)");
    EXPECT_EQ(errorOf(song + "      - {name: intro, bars: 4, tempo: 0}\n"),
        "/shows/friday/show.yaml:7:39: 'tempo' must be a number in BPM from 20 to 400, got '0'");
    EXPECT_EQ(errorOf(song + "      - {name: intro, bars: 4, tempo: 10000}\n"),
        "/shows/friday/show.yaml:7:39: 'tempo' must be a number in BPM from 20 to 400, got '10000'");
    EXPECT_EQ(errorOf(song + "      - {name: intro, bars: 4, meter: [4, 3]}\n"),
        "/shows/friday/show.yaml:7:43: in song 'opener': a meter's beat is a power of two from 1 to 64 (1, 2, 4, 8, "
        "16, 32, 64), got 4/3");
    EXPECT_EQ(errorOf(song + "      - {name: intro, bars: 4, fade: -1}\n"),
        "/shows/friday/show.yaml:7:38: 'fade' must be a number in seconds from 0 to 3600, got '-1'");
    EXPECT_EQ(errorOf(song + "      - {name: intro, bars: 4, bar: 2}\n"),
        "/shows/friday/show.yaml:7:32: unknown key 'bar' in song 'opener' (did you mean 'bars'?)");
    EXPECT_EQ(errorOf(song + "      []\n"),
        "/shows/friday/show.yaml:7:7: 'sections' in song 'opener' must be a list of at least one section like "
        "[{name: verse, bars: 8}], got a list");
    EXPECT_EQ(errorOf("songs:\n  - sections: [{name: a, bars: 1}]\n"), "/shows/friday/show.yaml:5:5: song 1 has no 'name'");
    EXPECT_EQ(errorOf("songs:\n  - name: a\n"), "/shows/friday/show.yaml:5:5: song 'a' has no 'sections'");
    EXPECT_EQ(errorOf("songs:\n  - {name: a, sections: [{name: x, bars: 1}]}\n  - {name: a, sections: [{name: x, bars: 1}]}\n"),
        "/shows/friday/show.yaml:6:5: two songs are named 'a' (the first at line 5)");
    EXPECT_EQ(errorOf("songs: opener\n"),
        "/shows/friday/show.yaml:4:8: 'songs' must be a list of songs like [{name: opener, sections: [...]}], got "
        "'opener'");
}

TEST(SessionSongs, ASectionRecallingAMissingSceneIsRefusedAtTheScene)
{
    EXPECT_EQ(errorOf("songs:\n  - name: opener\n    sections:\n      - {name: intro, bars: 4, scene: chrous}\n"),
        "/shows/friday/show.yaml:7:39: section 'intro' of song 'opener' recalls scene 'chrous', which is not one of "
        "the scenes (did you mean 'chorus'?)");
    auto none = loadSessionText(std::string(tracks) + "songs:\n  - name: a\n    sections: [{name: b, bars: 1, scene: c}]\n",
        "show.yaml");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message,
        "show.yaml:6:42: section 'b' of song 'a' recalls scene 'c', which is not one of the scenes (the session has no "
        "'scenes')");
}

TEST(SessionSongs, ASetlistNamingAMissingSongIsRefusedAtTheName)
{
    EXPECT_EQ(errorOf(std::string(twoSongs) + "setlist: [opener, balad]\n"),
        "/shows/friday/show.yaml:16:19: the setlist names 'balad', which is not one of the songs (did you mean "
        "'ballad'?)");
    EXPECT_EQ(errorOf("setlist: [opener]\n"),
        "/shows/friday/show.yaml:4:11: the setlist names 'opener', which is not one of the songs (the session has no "
        "'songs')");
    EXPECT_EQ(errorOf("setlist: opener\n"),
        "/shows/friday/show.yaml:4:10: 'setlist' must be a list like [opener, ballad], got 'opener'");
}
