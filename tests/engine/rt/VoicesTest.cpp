// SPDX-License-Identifier: GPL-3.0-or-later
// The voice allocator alone: who plays which note, who is stolen, what the pedal holds, how
// mono and legato fall back to the key held before.
#include "engine/rt/Voices.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

using backline::engine::Voice;
using backline::engine::VoiceEvent;
using backline::engine::VoiceMode;
using backline::engine::Voices;
using State = Voice::State;

namespace {

constexpr std::uint32_t fade = 240;
constexpr std::uint32_t quiet = 2400;

Voices make(std::uint32_t polyphony, VoiceMode mode = VoiceMode::Poly)
{
    Voices v;
    v.prepare(polyphony, mode, fade, quiet);
    return v;
}

/// What the instrument does after each stretch: a started voice has been computed.
void computed(Voices& v)
{
    for (std::size_t i = 0; i < v.slots(); ++i)
        if (v.voice(i).start)
            v.started(i);
    v.releaseDue();
}

/// A note on, then a stretch computed (so it has sounded before anything else happens to it).
void on(Voices& v, int note, float velocity = 0.8f)
{
    v.apply({VoiceEvent::Kind::NoteOn, std::uint8_t(note), velocity, 0});
    computed(v);
}

/// Voices sounding that are not fading out after a steal: never more than the polyphony.
std::size_t playing(const Voices& v)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < v.slots(); ++i)
        n += v.voice(i).state != State::Free && v.voice(i).state != State::Stolen;
    return n;
}
void off(Voices& v, int note)
{
    v.apply({VoiceEvent::Kind::NoteOff, std::uint8_t(note), 0.0f, 0});
    computed(v);
}
void pedal(Voices& v, bool down)
{
    v.apply({VoiceEvent::Kind::Sustain, 0, down ? 1.0f : 0.0f, 0});
    computed(v);
}

/// The notes of the voices in state, in slot order.
std::vector<int> notesIn(const Voices& v, State state)
{
    std::vector<int> notes;
    for (std::size_t i = 0; i < v.slots(); ++i)
        if (v.voice(i).state == state)
            notes.push_back(v.voice(i).note);
    std::sort(notes.begin(), notes.end());
    return notes;
}

/// Runs every sounding slot through frames of output at peak.
void run(Voices& v, std::uint32_t frames, float peak)
{
    for (std::size_t i = 0; i < v.slots(); ++i)
        if (v.voice(i).state != State::Free)
            v.after(i, frames, peak);
}

} // namespace

TEST(Voices, EachNoteGetsAVoiceWithItsVelocityAndStartsFromRest)
{
    auto v = make(4);
    v.apply({VoiceEvent::Kind::NoteOn, 60, 0.5f, 0});
    v.apply({VoiceEvent::Kind::NoteOn, 64, 1.0f, 0});
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {60, 64}));
    for (std::size_t i = 0; i < v.slots(); ++i) {
        if (v.voice(i).state != State::Held)
            continue;
        EXPECT_TRUE(v.voice(i).start);
        EXPECT_FLOAT_EQ(v.voice(i).velocity, v.voice(i).note == 60 ? 0.5f : 1.0f);
    }
    EXPECT_EQ(v.slots(), 8u) << "twice the polyphony: a stolen voice fades on its own slot";
}

TEST(Voices, ANoteLetGoBeforeItSoundedIsReleasedAfterItsFirstFrame)
{
    auto v = make(4);
    v.apply({VoiceEvent::Kind::NoteOn, 36, 1.0f, 0});
    v.apply({VoiceEvent::Kind::NoteOff, 36, 0.0f, 0}); // one frame: a drum pad's trigger
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {36})) << "held until it has sounded";
    EXPECT_TRUE(v.releaseWaiting());
    v.releaseDue();
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {36})) << "not computed yet";
    computed(v);
    EXPECT_EQ(notesIn(v, State::Released), (std::vector<int> {36}));
    EXPECT_FALSE(v.releaseWaiting());

    v.apply({VoiceEvent::Kind::NoteOn, 38, 1.0f, 0});
    v.apply({VoiceEvent::Kind::Panic, 0, 0.0f, 0});
    computed(v);
    EXPECT_TRUE(notesIn(v, State::Held).empty()) << "a panic releases it after its frame too";
}

TEST(Voices, LegatoUnderThePedalKeepsTheKeyThatIsDown)
{
    auto v = make(8, VoiceMode::Legato);
    on(v, 60);
    pedal(v, true);
    off(v, 60); // sustained
    on(v, 64);  // a key down again: the voice is held by it, not by the pedal
    pedal(v, false);
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {64})) << "lifting the pedal does not cut a key still down";
    off(v, 64);
    EXPECT_EQ(notesIn(v, State::Released), (std::vector<int> {64}));
}

TEST(Voices, AVelocityOfZeroIsANoteOff)
{
    auto v = make(4);
    on(v, 60);
    on(v, 60, 0.0f);
    EXPECT_TRUE(notesIn(v, State::Held).empty());
    EXPECT_EQ(notesIn(v, State::Released), (std::vector<int> {60}));
}

TEST(Voices, TheOldestReleasedIsStolenFirstThenTheOldestHeld)
{
    auto v = make(3);
    on(v, 60);
    on(v, 62);
    on(v, 64);
    off(v, 62); // released: the first to go, though 60 is older
    on(v, 65);
    EXPECT_EQ(notesIn(v, State::Stolen), (std::vector<int> {62}));
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {60, 64, 65}));
    on(v, 67); // nothing released: the oldest held
    EXPECT_EQ(notesIn(v, State::Stolen), (std::vector<int> {60, 62}));
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {64, 65, 67}));
    EXPECT_EQ(v.steals(), 2u);
}

TEST(Voices, AStolenVoiceFadesForTheStealFadeThenIsFree)
{
    auto v = make(1);
    on(v, 60);
    on(v, 62);
    ASSERT_EQ(notesIn(v, State::Stolen), (std::vector<int> {60}));
    run(v, fade - 1, 0.5f);
    EXPECT_EQ(notesIn(v, State::Stolen), (std::vector<int> {60}));
    run(v, 1, 0.5f);
    EXPECT_TRUE(notesIn(v, State::Stolen).empty());
    EXPECT_EQ(v.sounding(), 1u);
}

TEST(Voices, MoreStealsThanSpareSlotsCutTheFadeNearestItsEnd)
{
    auto v = make(2); // 4 slots
    for (int note = 60; note < 66; ++note)
        on(v, note); // the 5th and 6th notes find every slot busy
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {64, 65}));
    EXPECT_EQ(v.sounding(), 4u);
}

TEST(Voices, AReleasedVoiceIsFreeOnceItsOutputStayedQuietForTheQuietTime)
{
    auto v = make(4);
    on(v, 60);
    off(v, 60);
    run(v, quiet - 100, 0.0f);
    run(v, 50, 0.1f); // it sounded again: the count starts over
    run(v, quiet - 1, 0.0f);
    EXPECT_EQ(v.sounding(), 1u);
    run(v, 1, 0.0f);
    EXPECT_EQ(v.sounding(), 0u);
}

TEST(Voices, AHeldVoiceIsNeverFreedForBeingQuiet)
{
    auto v = make(4);
    on(v, 60);
    run(v, 10 * quiet, 0.0f); // a pad's slow attack, a drum held after its hit
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {60}));
}

TEST(Voices, TheSustainPedalHoldsReleasedKeysUntilItIsLifted)
{
    auto v = make(4);
    on(v, 60);
    pedal(v, true);
    off(v, 60);
    on(v, 64);
    off(v, 64);
    EXPECT_EQ(notesIn(v, State::Sustained), (std::vector<int> {60, 64}));
    on(v, 67); // a key pressed while the pedal is down is held as usual
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {67}));
    pedal(v, false);
    EXPECT_EQ(notesIn(v, State::Released), (std::vector<int> {60, 64}));
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {67}));
}

TEST(Voices, AllNotesOffAndPanicReleaseEverythingAndLiftThePedal)
{
    auto v = make(4);
    v.apply({VoiceEvent::Kind::Bend, 0, 0.5f, 0});
    on(v, 60);
    pedal(v, true);
    off(v, 60);
    on(v, 62);
    v.apply({VoiceEvent::Kind::AllNotesOff, 0, 0.0f, 0});
    EXPECT_EQ(notesIn(v, State::Released), (std::vector<int> {60, 62}));
    EXPECT_FLOAT_EQ(v.bend(), 0.5f) << "all notes off leaves the bend";
    on(v, 64);
    off(v, 64);
    EXPECT_EQ(notesIn(v, State::Released), (std::vector<int> {60, 62, 64})) << "the pedal was lifted";
    on(v, 65);
    v.apply({VoiceEvent::Kind::Panic, 0, 0.0f, 0});
    EXPECT_TRUE(notesIn(v, State::Held).empty());
    EXPECT_FLOAT_EQ(v.bend(), 0.0f);
}

TEST(Voices, BendIsClampedToItsRange)
{
    auto v = make(1);
    v.apply({VoiceEvent::Kind::Bend, 0, 7.0f, 0});
    EXPECT_FLOAT_EQ(v.bend(), 1.0f);
    v.apply({VoiceEvent::Kind::Bend, 0, -7.0f, 0});
    EXPECT_FLOAT_EQ(v.bend(), -1.0f);
}

TEST(Voices, MonoRetriggersEachNoteAndFallsBackToTheKeyHeldBefore)
{
    auto v = make(8, VoiceMode::Mono);
    EXPECT_EQ(v.slots(), 2u);
    on(v, 60);
    on(v, 63);
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {63}));
    EXPECT_EQ(notesIn(v, State::Stolen), (std::vector<int> {60})) << "a new note is a new attack: the old one fades";
    run(v, fade, 0.5f);
    off(v, 63); // 60 is still down: it plays again, a new attack
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {60}));
    EXPECT_EQ(notesIn(v, State::Stolen), (std::vector<int> {63}));
    off(v, 60);
    EXPECT_EQ(notesIn(v, State::Released), (std::vector<int> {60}));
}

TEST(Voices, LegatoChangesThePitchOfTheVoiceThatPlays)
{
    auto v = make(8, VoiceMode::Legato);
    on(v, 60);
    on(v, 63);
    on(v, 67);
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {67}));
    EXPECT_TRUE(notesIn(v, State::Stolen).empty()) << "legato: no new attack";
    off(v, 63); // not the key that plays
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {67}));
    off(v, 67);
    EXPECT_EQ(notesIn(v, State::Held), (std::vector<int> {60})) << "back to the key still down";
    off(v, 60);
    EXPECT_EQ(notesIn(v, State::Released), (std::vector<int> {60}));
}

TEST(Voices, GarbageNeverIndexesPastTheKeysNorPlaysPastThePolyphony)
{
    for (const VoiceMode mode : {VoiceMode::Poly, VoiceMode::Mono, VoiceMode::Legato}) {
        auto v = make(3, mode);
        const std::size_t polyphony = mode == VoiceMode::Poly ? 3 : 1;
        for (int i = 0; i < 3000; ++i) {
            on(v, 200 + i, float(i % 3) - 0.5f);
            off(v, 255 - i);
            // Every byte as a kind: the ones past Panic do nothing.
            v.apply({VoiceEvent::Kind(i % 256), std::uint8_t(i * 37), float(i) * 1e30f, 0});
            computed(v);
            run(v, 16, i % 2 == 0 ? 0.5f : 0.0f);
            ASSERT_LE(playing(v), polyphony) << "event " << i;
        }
        v.apply({VoiceEvent::Kind::Panic, 0, 0.0f, 0});
        computed(v);
        EXPECT_TRUE(notesIn(v, State::Held).empty());
        EXPECT_TRUE(notesIn(v, State::Sustained).empty());
    }
}
