// SPDX-License-Identifier: GPL-3.0-or-later
// The audio thread's song player, driven block by block with the transport as the engine
// drives them: sections start on the exact first sample of their bar whatever the block size.
#include "engine/rt/Arrangement.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

using namespace backline::engine;

namespace {

constexpr int rate = 48000;
constexpr std::uint64_t bar120 = 96000; // a 4/4 bar at 120 BPM

struct Section {
    int bars;
    SectionThen then = SectionThen::Next;
    int gotoSection = -1;
    double tempo = 0.0;
};

/// A plan of songs (each a list of sections), every section with a scene of its own.
std::unique_ptr<ShowPlan> makePlan(const std::vector<std::vector<Section>>& songs, double tempo = 120.0)
{
    auto plan = std::make_unique<ShowPlan>();
    for (const auto& sections : songs) {
        SongPlan song;
        song.firstSection = std::int32_t(plan->sections.size());
        song.sectionCount = std::int32_t(sections.size());
        song.tempo = tempo;
        song.meterNum = 4;
        song.meterDen = 4;
        for (const Section& s : sections) {
            SectionPlan section;
            section.song = std::int32_t(plan->songs.size());
            section.bars = s.bars;
            section.then = s.then;
            section.gotoSection = s.gotoSection < 0 ? -1 : song.firstSection + s.gotoSection;
            section.tempo = s.tempo;
            plan->scenes.push_back(std::make_unique<ParamBatch>());
            section.scene = plan->scenes.back().get();
            plan->sections.push_back(section);
        }
        plan->setlist.push_back(std::int32_t(plan->songs.size()));
        plan->songs.push_back(song);
    }
    return plan;
}

/// The engine's loop around the arrangement: plan a block, run it (advance the transport).
struct Show {
    explicit Show(std::unique_ptr<ShowPlan> p)
        : plan(std::move(p))
    {
        arrangement.install(plan.get());
    }

    void block(std::uint32_t frames)
    {
        SectionStart out[1];
        if (arrangement.plan(transport, clock, frames, out) == 1)
            starts.push_back(out[0]);
        transport.advance(clock, frames, rate);
        clock += frames;
    }
    void runTo(std::uint64_t end, std::uint32_t blockFrames)
    {
        while (clock < end)
            block(std::uint32_t(std::min<std::uint64_t>(blockFrames, end - clock)));
    }
    void ask(ArrangementRequest::Op op, JumpWhen when = JumpWhen::Bar, std::int32_t index = 0)
    {
        arrangement.request(ArrangementRequest {op, when, index, false});
    }
    void transportOp(TransportRequest::Op op)
    {
        TransportRequest r;
        r.op = op;
        transport.request(r, 0, clock);
    }
    /// Cues the first song and starts rolling at the next block.
    void cueAndPlay(std::uint32_t blockFrames)
    {
        ask(ArrangementRequest::Op::CueSong, JumpWhen::Now, 0);
        block(blockFrames);
        transportOp(TransportRequest::Op::Play);
    }
    std::int32_t section(std::size_t k) const { return starts.at(k).section; }

    std::unique_ptr<ShowPlan> plan;
    Transport transport;
    Arrangement arrangement;
    std::uint64_t clock = 0;
    std::vector<SectionStart> starts;
};

} // namespace

TEST(Arrangement, SectionsStartOnTheFirstSampleOfTheirBarWhateverTheBlockSize)
{
    for (std::uint32_t blockFrames : {64u, 256u, 1000u, 4096u}) {
        Show show(makePlan({{{2}, {4}, {1}}}));
        show.cueAndPlay(blockFrames);
        const std::uint64_t play = show.clock;
        show.runTo(play + 8 * bar120, blockFrames);
        ASSERT_EQ(show.starts.size(), 3u) << blockFrames << "-frame blocks";
        EXPECT_EQ(show.starts[0].frame, play) << "the first section starts as the transport rolls";
        EXPECT_EQ(show.starts[1].frame, play + 2 * bar120) << blockFrames << "-frame blocks";
        EXPECT_EQ(show.starts[2].frame, play + 6 * bar120) << blockFrames << "-frame blocks";
        EXPECT_EQ(show.starts[1].scene, show.plan->sections[1].scene) << "each section recalls its own scene";
        EXPECT_FALSE(show.transport.read().rolling) << "after the song's last section the transport stops";
        EXPECT_EQ(show.transport.read().frame, std::int64_t(7 * bar120)) << "on the song's last sample";
    }
}

TEST(Arrangement, ASectionsTempoCountsItsBarsAtThatTempo)
{
    Show show(makePlan({{{1}, {2, SectionThen::Next, -1, 60.0}, {1}}}));
    show.cueAndPlay(256);
    const std::uint64_t play = show.clock;
    show.runTo(play + 6 * bar120, 256);
    ASSERT_EQ(show.starts.size(), 3u);
    EXPECT_EQ(show.starts[1].frame, play + bar120);
    EXPECT_EQ(show.starts[2].frame, play + bar120 + 2 * 2 * bar120) << "two bars at 60 BPM";
}

TEST(Arrangement, ALoopRepeatsItsSectionWithoutRecallingItsSceneAgain)
{
    Show show(makePlan({{{1}, {2, SectionThen::Loop}}}));
    show.cueAndPlay(512);
    const std::uint64_t play = show.clock;
    show.runTo(play + 5 * bar120 + 1, 512);
    ASSERT_EQ(show.starts.size(), 4u);
    for (std::size_t k = 1; k < 4; ++k) {
        EXPECT_EQ(show.section(k), 1);
        EXPECT_EQ(show.starts[k].frame, play + bar120 + (k - 1) * 2 * bar120);
    }
    EXPECT_NE(show.starts[1].scene, nullptr);
    EXPECT_EQ(show.starts[2].scene, nullptr) << "a loop's later passes keep what was changed live";
    // A jump to the next section (none: the song is over) on the next bar stops the transport there.
    show.ask(ArrangementRequest::Op::NextSection, JumpWhen::Bar);
    show.runTo(show.clock + 2 * bar120, 512);
    EXPECT_FALSE(show.transport.read().rolling);
    EXPECT_EQ(show.transport.read().frame, std::int64_t(6 * bar120));
}

TEST(Arrangement, GotoAndStopDoWhatTheSectionSays)
{
    Show show(makePlan({{{1}, {1, SectionThen::Goto, 0}}, {{1, SectionThen::Stop}, {1}}}));
    show.cueAndPlay(128);
    const std::uint64_t play = show.clock;
    show.runTo(play + 3 * bar120 + 1, 128);
    ASSERT_EQ(show.starts.size(), 4u);
    EXPECT_EQ(show.section(2), 0) << "goto: back to the first section";
    EXPECT_EQ(show.starts[3].frame, play + 3 * bar120);
    // The second song: its first section says stop.
    show.ask(ArrangementRequest::Op::CueSong, JumpWhen::Bar, 1);
    show.runTo(show.clock + 3 * bar120, 128);
    EXPECT_FALSE(show.transport.read().rolling) << "then: stop";
    const auto after = show.arrangement.read();
    EXPECT_EQ(after.setlistPlace, 1);
}

TEST(Arrangement, AJumpOnTheBarLandsOnTheNextBarLineAndOnABeatStartsABarThere)
{
    Show show(makePlan({{{8}, {8}, {8}}}));
    show.cueAndPlay(256);
    const std::uint64_t play = show.clock;
    show.runTo(play + bar120 + bar120 / 3, 256); // mid-bar 2
    show.ask(ArrangementRequest::Op::NextSection, JumpWhen::Bar);
    show.runTo(show.clock + bar120, 256);
    ASSERT_EQ(show.starts.size(), 2u);
    EXPECT_EQ(show.starts[1].frame, play + 2 * bar120) << "the next bar line, exactly";
    EXPECT_EQ(show.section(1), 1);
    // On a beat: 24,000 frames a beat at 120 BPM; the bar restarts there.
    show.runTo(play + 2 * bar120 + 30000, 256);
    show.ask(ArrangementRequest::Op::NextSection, JumpWhen::Beat);
    show.runTo(show.clock + bar120, 256);
    ASSERT_EQ(show.starts.size(), 3u);
    EXPECT_EQ(show.starts[2].frame, play + 2 * bar120 + 48000) << "the next beat";
    EXPECT_EQ(show.section(2), 2);
    // Eight bars from there, counted from the beat the section began on.
    show.runTo(play + 2 * bar120 + 48000 + 8 * bar120 + 1, 256);
    EXPECT_FALSE(show.transport.read().rolling) << "the last section ended eight whole bars after its start";
    EXPECT_EQ(show.transport.read().frame, std::int64_t(2 * bar120 + 48000 + 8 * bar120));
}

TEST(Arrangement, AJumpAtTheSectionsEndWaitsForIt)
{
    Show show(makePlan({{{4}, {4}, {4}}}));
    show.cueAndPlay(256);
    const std::uint64_t play = show.clock;
    show.runTo(play + bar120 / 2, 256);
    show.ask(ArrangementRequest::Op::GotoSection, JumpWhen::Section, 2);
    show.runTo(play + 5 * bar120, 256);
    ASSERT_EQ(show.starts.size(), 2u);
    EXPECT_EQ(show.starts[1].frame, play + 4 * bar120);
    EXPECT_EQ(show.section(1), 2) << "the jump, not the section's own next";
}

TEST(Arrangement, ALocateWhileRollingEntersTheSectionItsBarIsIn)
{
    Show show(makePlan({{{2}, {2}, {2}}}));
    show.cueAndPlay(256);
    show.runTo(show.clock + bar120 / 2, 256);
    TransportRequest locate;
    locate.op = TransportRequest::Op::LocateBar;
    locate.frame = 4; // bar 4: the second section's second bar
    locate.beat = 1;
    show.transport.request(locate, 0, show.clock);
    const std::uint64_t at = show.clock;
    show.block(256);
    ASSERT_EQ(show.starts.size(), 2u);
    EXPECT_EQ(show.section(1), 1);
    EXPECT_EQ(show.starts[1].frame, at) << "entered at once, its scene recalled";
    const auto s = show.arrangement.read();
    EXPECT_EQ(s.barInSection, 2);
    // It ends where the written order says: bar 5.
    show.runTo(at + bar120 + 1, 256);
    ASSERT_EQ(show.starts.size(), 3u);
    EXPECT_EQ(show.starts[2].frame, at + bar120);
}

TEST(Arrangement, TheSongOverCuesTheNextOneAndAJumpPastTheSetlistDoesNothing)
{
    Show show(makePlan({{{1}}, {{1}}}, 90.0));
    show.cueAndPlay(256);
    show.runTo(show.clock + 2 * 128000, 256);
    EXPECT_FALSE(show.transport.read().rolling);
    show.block(256);
    auto s = show.arrangement.read();
    EXPECT_EQ(s.setlistPlace, 1) << "the next song is cued";
    EXPECT_EQ(show.transport.read().frame, 0) << "at its start";
    show.ask(ArrangementRequest::Op::NextSong, JumpWhen::Now);
    show.block(256);
    EXPECT_EQ(show.arrangement.read().setlistPlace, 1) << "no song after the last";
    show.ask(ArrangementRequest::Op::PrevSong, JumpWhen::Now);
    show.block(256);
    EXPECT_EQ(show.arrangement.read().setlistPlace, 0);
}

TEST(Arrangement, LoopHeldLiveRepeatsTheSectionUntilReleased)
{
    Show show(makePlan({{{1}, {1}}}));
    show.cueAndPlay(256);
    const std::uint64_t play = show.clock;
    ArrangementRequest loop {ArrangementRequest::Op::Loop, JumpWhen::Now, 0, true};
    show.arrangement.request(loop);
    show.runTo(play + 3 * bar120 + 1, 256);
    ASSERT_EQ(show.starts.size(), 4u);
    EXPECT_EQ(show.section(3), 0);
    loop.on = false;
    show.arrangement.request(loop);
    show.runTo(play + 4 * bar120 + 1, 256);
    ASSERT_EQ(show.starts.size(), 5u);
    EXPECT_EQ(show.section(4), 1);
}

TEST(Arrangement, CyclesRunWithoutTheEngineDoNotReenterTheSectionNorMoveItsEnd)
{
    // JACK's transport leads: each block starts where JACK says; now and then JACK ran cycles
    // this engine missed (an xrun), so its transport is further on than the last block left it.
    Show show(makePlan({{{2}, {2}}}));
    show.cueAndPlay(256);
    std::int64_t jackFrame = 0;
    std::vector<std::pair<std::uint64_t, std::int64_t>> blockStarts; // engine frame → JACK's transport frame
    for (int block = 0; jackFrame < std::int64_t(5 * bar120); ++block) {
        if (block % 50 == 49)
            jackFrame += 512; // two cycles JACK ran without us
        LeaderPosition leader;
        leader.rolling = true;
        leader.frame = jackFrame;
        show.transport.follow(leader, show.clock);
        blockStarts.emplace_back(show.clock, jackFrame);
        show.block(256);
        jackFrame += 256;
    }
    ASSERT_EQ(show.starts.size(), 2u) << "no section entered again after a missed cycle";
    const std::uint64_t verse = show.starts[1].frame;
    std::int64_t transportFrame = -1;
    for (const auto& [engine, jack] : blockStarts)
        if (engine <= verse && verse < engine + 256)
            transportFrame = jack + std::int64_t(verse - engine);
    EXPECT_EQ(transportFrame, std::int64_t(2 * bar120)) << "the verse starts on bar 3's first sample of JACK's transport";
}

TEST(Arrangement, LedByJacksTransportItAsksJackToStopAndLocateAndEntersNothingMeanwhile)
{
    // JACK's transport leads: the song's end asks JACK's transport to stop, which it does a
    // cycle or two later; meanwhile the arrangement starts nothing. The next song's cue asks
    // JACK's transport to go to 0.
    Show show(makePlan({{{1}, {1, SectionThen::Stop}}, {{1}}}));
    show.transport.setLed(true);
    std::int64_t jackFrame = 0;
    bool jackRolling = false;
    auto cycle = [&] {
        LeaderPosition leader;
        leader.rolling = jackRolling;
        leader.frame = jackFrame;
        show.transport.follow(leader, show.clock);
        show.block(256);
        const LeaderAsk ask = show.transport.takeLeaderAsk();
        if (jackRolling)
            jackFrame += 256;
        return ask;
    };
    show.ask(ArrangementRequest::Op::CueSong, JumpWhen::Now, 0);
    jackFrame = 5000; // JACK's transport stands elsewhere
    const LeaderAsk cued = cycle();
    EXPECT_EQ(cued.locate, 0) << "the cue asks JACK's transport for the song's start";
    jackFrame = 0;
    jackRolling = true; // another client (or /transport/play through JACK) starts it
    std::size_t stopsAsked = 0;
    for (int k = 0; k < 2 * 96000 / 256 + 2; ++k)
        if (cycle().stop)
            ++stopsAsked;
    ASSERT_EQ(show.starts.size(), 2u);
    EXPECT_EQ(stopsAsked, 1u) << "the second section says stop: JACK's transport is asked once";
    for (int k = 0; k < 3; ++k)
        cycle(); // JACK has not stopped yet: nothing starts
    EXPECT_EQ(show.starts.size(), 2u) << "no section entered while JACK's transport is still stopping";
    jackRolling = false;
    cycle();
    EXPECT_EQ(show.starts.size(), 2u);
}
