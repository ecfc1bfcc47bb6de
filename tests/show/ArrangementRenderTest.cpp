// SPDX-License-Identifier: GPL-3.0-or-later
// Songs played by the audio thread's arrangement through the real engine, offline (frame-exact
// whatever the machine's speed): each section's scene lands on its bar's first sample.
#include "EngineFixture.h"
#include "Signal.h"

#include "core/AudioRing.h"
#include "engine/ArrangementControl.h"
#include "engine/ShowPlanBuilder.h"
#include "engine/TransportControl.h"
#include "session/SessionLoader.h"
#include "show/SceneBook.h"

#include <gtest/gtest.h>

#include <vector>

using namespace backline;
using backline::test::OfflineSession;
using backline::test::edges;

namespace {

constexpr std::uint64_t bar120 = 96000; // a 4/4 bar at 120 BPM, 48 kHz

/// A session, its scene book and its show plan, over the real engine, with the DC track's
/// post-fader signal tapped.
struct Gig {
    explicit Gig(const std::string& yaml)
        : s(yaml)
        , ring(2, 16 * 48000)
    {
        auto spec = session::loadSessionText(yaml, "show.yaml");
        EXPECT_TRUE(spec) << spec.error().message;
        book.adopt(*spec);
        auto plan = engine::buildShowPlan(
            *spec, [this](std::string_view scene) { return book.recallValues(scene); }, s.control, 1);
        EXPECT_TRUE(plan) << plan.error().message;
        s.engine.installShow(std::move(plan.value()));
        auto taps = std::make_unique<engine::TapSet>();
        taps->generation = s.installedGraph()->generation;
        taps->taps.push_back({{engine::TapPoint::Kind::TrackPost, 0}, &ring});
        s.engine.installTaps(std::move(taps));
    }
    void arrange(engine::ArrangementRequest::Op op, engine::JumpWhen when = engine::JumpWhen::Bar, int index = 0)
    {
        ASSERT_TRUE(s.engine.arrange(engine::ArrangementRequest {op, when, index, false}));
    }
    /// The left channel of everything tapped so far.
    std::vector<float> tapped()
    {
        const std::size_t frames = ring.readable();
        std::vector<float> out(2 * frames);
        ring.read(out.data(), frames);
        std::vector<float> left(frames);
        for (std::size_t i = 0; i < frames; ++i)
            left[i] = out[2 * i];
        return left;
    }

    OfflineSession s;
    engine::TransportControl transport {s.engine};
    show::SceneBook book {s.control, transport};
    AudioRing ring;
};

const std::string dcSong = "backline: 1\ntracks:\n  - {name: dc, dsp: " BACKLINE_TEST_DATA_DIR
                           "/faust/dc_level.dsp, params: {level: 0.5}}\n"
                           "scenes:\n  open: {/track/dc/mute: 0}\n  muted: {/track/dc/mute: 1}\n";

} // namespace

TEST(ArrangementRender, EachSectionsSceneLandsOnTheFirstSampleOfItsBar)
{
    Gig gig(dcSong + "songs:\n  - name: s\n    sections:\n"
                     "      - {name: a, bars: 1, scene: open}\n"
                     "      - {name: b, bars: 2, scene: muted}\n"
                     "      - {name: c, bars: 1, scene: open}\n");
    gig.arrange(engine::ArrangementRequest::Op::CueSong, engine::JumpWhen::Now, 0);
    gig.s.render(0.1);
    ASSERT_TRUE(gig.transport.play());
    gig.tapped(); // from here: the next block starts rolling
    gig.s.render(5 * 2.0);
    const auto x = gig.tapped();
    const auto changes = edges(x);
    ASSERT_EQ(changes.size(), 2u) << "muted at b, open again at c";
    EXPECT_EQ(changes[0], bar120) << "section b begins on bar 2's first sample";
    EXPECT_EQ(changes[1], 3 * bar120) << "section c begins on bar 4's first sample";
    const auto after = gig.s.engine.arrangementSnapshot();
    EXPECT_EQ(after.section, 2);
    EXPECT_FALSE(gig.s.engine.transportSnapshot().rolling) << "the song is over after its last section";
}

TEST(ArrangementRender, AJumpOnTheBarLandsOnTheNextBarLine)
{
    Gig gig(dcSong + "songs:\n  - name: s\n    sections:\n"
                     "      - {name: a, bars: 8, scene: open}\n"
                     "      - {name: b, bars: 8, scene: muted}\n");
    gig.arrange(engine::ArrangementRequest::Op::CueSong, engine::JumpWhen::Now, 0);
    gig.s.render(0.1);
    ASSERT_TRUE(gig.transport.play());
    gig.tapped();
    gig.s.render(2.7); // into bar 2
    gig.arrange(engine::ArrangementRequest::Op::NextSection, engine::JumpWhen::Bar);
    gig.s.render(3.0);
    const auto changes = edges(gig.tapped());
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0], 2 * bar120) << "bar 3's first sample";
    EXPECT_EQ(gig.s.engine.arrangementSnapshot().section, 1);
}

TEST(ArrangementRender, TheControlSideCuesByNameAndLearnsWhatEachSectionRecalled)
{
    const std::string yaml = dcSong + "songs:\n  - name: opener\n    sections:\n"
                                      "      - {name: intro, bars: 1, scene: open}\n"
                                      "      - {name: verse, bars: 1, scene: muted}\n"
                                      "  - name: ballad\n    tempo: 60\n    sections:\n"
                                      "      - {name: all, bars: 1}\n";
    OfflineSession s(yaml);
    engine::TransportControl transport {s.engine};
    show::SceneBook book {s.control, transport};
    auto spec = session::loadSessionText(yaml, "show.yaml");
    ASSERT_TRUE(spec) << spec.error().message;
    book.adopt(*spec);
    engine::ArrangementControl show(s.engine, s.control, [&](std::string_view scene) { return book.recallValues(scene); });
    ASSERT_TRUE(show.adopt(*spec));

    EXPECT_EQ(show.nextSection().error().message, "no song is cued: cue one first (/setlist/goto)");
    EXPECT_EQ(show.cueSong("balad").error().message, "no song 'balad' in the setlist (did you mean 'ballad'?)");
    EXPECT_EQ(show.cueSong(2).error().message, "the setlist has places 0 to 1, got 2");
    ASSERT_TRUE(show.cueSong("opener"));
    s.render(0.1);
    auto status = show.status();
    EXPECT_EQ(status.song, "opener");
    EXPECT_EQ(status.section, "intro");
    EXPECT_EQ(status.next, "");
    EXPECT_FALSE(status.playing);
    EXPECT_EQ(show.gotoSection("vers").error().message, "song 'opener' has no section 'vers' (did you mean 'verse'?)");

    ASSERT_TRUE(transport.play());
    const std::uint64_t rolled = s.engine.clock();
    s.render(2.5); // into the verse
    std::vector<engine::SectionNews> news;
    show.poll([&](const engine::SectionNews& n) { news.push_back(n); });
    ASSERT_EQ(news.size(), 2u);
    EXPECT_EQ(news[0].section, "intro");
    EXPECT_EQ(news[0].frame, rolled);
    EXPECT_EQ(news[1].song, "opener");
    EXPECT_EQ(news[1].section, "verse");
    EXPECT_EQ(news[1].scene, "muted");
    EXPECT_EQ(news[1].frame, rolled + bar120);
    EXPECT_EQ(s.control.get("/track/dc/mute")->value, 1.0f) << "what the section recalled is the parameter's value";
    status = show.status();
    EXPECT_EQ(status.section, "verse");
    EXPECT_TRUE(status.playing);
    EXPECT_EQ(status.barInSection, 1);
    EXPECT_EQ(status.sectionBars, 1);

    s.render(1.6); // the song ends at 4 s: the next is cued at its tempo
    s.render(0.1);
    status = show.status();
    EXPECT_EQ(status.song, "ballad");
    EXPECT_EQ(status.setlistPlace, 1);
    EXPECT_FALSE(s.engine.transportSnapshot().rolling);
    EXPECT_NEAR(transport.position().bpm, 60.0, 1e-9);
    EXPECT_EQ(show.nextSong().error().message, "the setlist's last song is cued: there is no next one");
}
