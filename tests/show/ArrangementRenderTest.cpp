// SPDX-License-Identifier: GPL-3.0-or-later
// Songs played by the audio thread's arrangement through the real engine, offline (frame-exact
// whatever the machine's speed): each section's scene lands on its bar's first sample.
#include "EngineFixture.h"

#include "core/AudioRing.h"
#include "engine/ShowPlanBuilder.h"
#include "engine/TransportControl.h"
#include "session/SessionLoader.h"
#include "show/SceneBook.h"

#include <gtest/gtest.h>

#include <vector>

using namespace backline;
using backline::test::OfflineSession;

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

/// The frames where x starts to move away from a value it held steady (a mute's fade is one
/// change, at its first frame).
std::vector<std::size_t> edges(const std::vector<float>& x)
{
    std::vector<std::size_t> out;
    std::size_t steady = 0; // how long x has held its value
    for (std::size_t i = 1; i < x.size(); ++i) {
        if (x[i] == x[i - 1]) {
            ++steady;
            continue;
        }
        if (steady >= 64)
            out.push_back(i);
        steady = 0;
    }
    return out;
}

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
