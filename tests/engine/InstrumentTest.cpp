// SPDX-License-Identifier: GPL-3.0-or-later
// Instruments in the engine, rendered offline through the real graph with real (JIT-compiled)
// Faust voices: pitch, chords, frame-exact note starts, stealing without a click, release and
// panic to silence, voices that stop costing once silent, and what a session may not ask.
#include "EngineFixture.h"
#include "Signal.h"
#include "TrackTaps.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <span>
#include <string>

using backline::test::OfflineSession;
using backline::test::peak;
using backline::test::toneDb;
using backline::test::TrackTaps;

namespace {

constexpr double sr = 48000.0;

/// One instrument track, stereo (a mono voice on both sides, unpanned: the tap reads the
/// voices' sum exactly), with extra keys appended.
std::string instrumentSession(const std::string& dsp, int voices, const std::string& extra = "")
{
    return "backline: 1\n"
           "tracks:\n"
           "  - name: keys\n"
           "    dsp: "
        + dsp + "\n    channels: 2\n    voices: " + std::to_string(voices) + "\n" + extra;
}

/// Frequency from the zero crossings of a steady tone (interpolated between samples).
double frequencyOf(std::span<const float> x)
{
    double first = -1.0, last = -1.0;
    int crossings = 0;
    for (std::size_t i = 1; i < x.size(); ++i) {
        if (x[i - 1] < 0.0f && x[i] >= 0.0f) {
            const double at = double(i - 1) + double(-x[i - 1]) / double(x[i] - x[i - 1]);
            if (first < 0.0)
                first = at;
            last = at;
            ++crossings;
        }
    }
    return crossings > 1 ? (crossings - 1) * sr / (last - first) : 0.0;
}

double midiHz(int note) { return 440.0 * std::exp2((note - 69) / 12.0); }

const backline::engine::Instrument& instrumentOf(const OfflineSession& s)
{
    return *s.installedGraph()->tracks.front().instrument;
}

/// The largest sample-to-sample step of x[from, to).
double largestStep(const std::vector<float>& x, std::size_t from, std::size_t to)
{
    double worst = 0.0;
    for (std::size_t i = std::max<std::size_t>(from, 1); i < std::min(to, x.size()); ++i)
        worst = std::max(worst, double(std::fabs(x[i] - x[i - 1])));
    return worst;
}

} // namespace

TEST(Instrument, Note69PlaysAt440Hz)
{
    OfflineSession s(instrumentSession("faust/voice_sine.dsp", 4));
    TrackTaps taps(s, {0u});
    ASSERT_TRUE(s.play.note("keys", 69, 0.5));
    const auto out = taps.render(1.0)[0].left;
    const std::span<const float> steady(out.data() + 4800, 38400);
    const double hz = frequencyOf(steady);
    std::printf("[ measured ] note 69: %.3f Hz, peak %.4f\n", hz, peak(steady));
    EXPECT_NEAR(hz, 440.0, 1.0);
    EXPECT_NEAR(peak(steady), 0.5, 0.01) << "the velocity is the voice's gain";
}

TEST(Instrument, AChordSoundsEachOfItsNotes)
{
    OfflineSession s(instrumentSession("faust/voice_sine.dsp", 4));
    TrackTaps taps(s, {0u});
    for (int note : {60, 64, 67})
        ASSERT_TRUE(s.play.note("keys", note, 0.25));
    const auto out = taps.render(1.0)[0].left;
    const std::span<const float> steady(out.data() + 4800, 38400);
    for (int note : {60, 64, 67}) {
        const double db = toneDb(steady, midiHz(note), sr);
        std::printf("[ measured ] note %d (%.2f Hz): %.2f dBFS\n", note, midiHz(note), db);
        EXPECT_NEAR(db, 20.0 * std::log10(0.25), 0.5);
    }
    // Between the notes: nothing but the chord's own leakage.
    EXPECT_LT(toneDb(steady, 300.0, sr), -60.0);
    EXPECT_LT(toneDb(steady, 440.0, sr), -60.0);
}

TEST(Instrument, NotesStartOnTheirExactFramesWithinABlock)
{
    OfflineSession s(instrumentSession("faust/voice_dc.dsp", 4), 256);
    TrackTaps taps(s, {0u});
    // Engine frames 10 and 100 of the first 256-frame block.
    ASSERT_TRUE(s.play.note("keys", 60, 0.5, 10));
    ASSERT_TRUE(s.play.note("keys", 62, 0.25, 100));
    const auto out = taps.render(0.01)[0].left;
    ASSERT_GE(out.size(), 256u);
    EXPECT_EQ(peak(out, 0, 10), 0.0) << "nothing before the first note's frame";
    EXPECT_NEAR(out[10], 0.5f, 1e-6);
    EXPECT_NEAR(out[99], 0.5f, 1e-6);
    EXPECT_NEAR(out[100], 0.75f, 1e-6);
    EXPECT_NEAR(out[255], 0.75f, 1e-6);
}

TEST(Instrument, ANoteInALaterBlockWaitsForItsFrame)
{
    OfflineSession s(instrumentSession("faust/voice_dc.dsp", 4), 64);
    TrackTaps taps(s, {0u});
    ASSERT_TRUE(s.play.note("keys", 60, 1.0, 1000));
    ASSERT_TRUE(s.play.note("keys", 60, 0.0, 1500));
    const auto out = taps.render(0.05)[0].left;
    EXPECT_EQ(peak(out, 0, 1000), 0.0);
    EXPECT_NEAR(out[1000], 1.0f, 1e-6);
    EXPECT_NEAR(out[1499], 1.0f, 1e-6);
    EXPECT_EQ(peak(out, 1500, out.size()), 0.0) << "released on its frame (this voice has no release)";
}

TEST(Instrument, ANoteOnAndOffOnOneFrameSoundsForThatFrame)
{
    OfflineSession s(instrumentSession("faust/voice_dc.dsp", 4), 256);
    TrackTaps taps(s, {0u});
    // A pad's trigger in one bundle: a gate-triggered voice (a drum) must see its gate rise.
    const std::vector<backline::port::Note> pad {{"keys", 36, 1.0}, {"keys", 36, 0.0}};
    ASSERT_TRUE(s.play.notes(pad, 50));
    const auto out = taps.render(0.01)[0].left;
    EXPECT_EQ(peak(out, 0, 50), 0.0);
    EXPECT_NEAR(out[50], 1.0f, 1e-6);
    EXPECT_EQ(peak(out, 51, out.size()), 0.0) << "released after its one frame";
}

TEST(Instrument, NotesPlayedTogetherAreAllOrNone)
{
    OfflineSession s(instrumentSession("faust/voice_dc.dsp", 4), 256);
    TrackTaps taps(s, {0u});
    const std::vector<backline::port::Note> bad {{"keys", 60, 0.25}, {"keys", 200, 0.25}};
    EXPECT_FALSE(s.play.notes(bad, 0));
    const std::vector<backline::port::Note> elsewhere {{"keys", 60, 0.25}, {"nobody", 62, 0.25}};
    EXPECT_FALSE(s.play.notes(elsewhere, 0));
    EXPECT_EQ(peak(taps.render(0.01)[0].left), 0.0) << "nothing of a refused chord plays";
    const std::vector<backline::port::Note> chord {{"keys", 60, 0.25}, {"keys", 64, 0.25}, {"keys", 67, 0.25}};
    ASSERT_TRUE(s.play.notes(chord, 1000));
    const auto out = taps.render(0.05)[0].left;
    EXPECT_EQ(peak(out, 0, 1000 - 480), 0.0);
    EXPECT_NEAR(out[1000 - 480], 0.75f, 1e-6) << "the three on one frame";
}

TEST(Instrument, AVoiceThatBlowsUpIsSilencedFreedAndCounted)
{
    OfflineSession s(instrumentSession("faust/voice_blows_up.dsp", 4), 128);
    TrackTaps taps(s, {0u});
    ASSERT_TRUE(s.play.note("keys", 60, 1.0));
    const auto out = taps.render(0.1)[0].left;
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](float x) { return x == 0.0f; }));
    const auto& graph = *s.installedGraph();
    std::uint32_t faults = 0;
    for (std::size_t i = 0; i < graph.stages.size(); ++i)
        if (graph.stages[i].label.rfind("track 'keys'", 0) == 0)
            faults += graph.stageFaults[i].load();
    EXPECT_EQ(faults, 1u);
    EXPECT_EQ(instrumentOf(s).voices.sounding(), 0u);
}

TEST(Instrument, AStereoVoiceOnAMonoTrackPlaysTheAverageOfItsSides)
{
    OfflineSession s("backline: 1\ntracks:\n  - name: keys\n    dsp: faust/voice_stereo.dsp\n    voices: 2\n", 128);
    TrackTaps taps(s, {0u});
    ASSERT_TRUE(s.play.note("keys", 60, 1.0));
    const auto track = taps.render(0.01)[0];
    // Left 1, right 0.5 from the voice at velocity 1: 0.75 on the mono track, centred (-3 dB each side).
    EXPECT_NEAR(track.left[200], 0.75f * std::sqrt(0.5f), 1e-4);
    EXPECT_NEAR(track.right[200], 0.75f * std::sqrt(0.5f), 1e-4);
}

TEST(Instrument, AfterItsNoteOffAVoiceFallsSilentWithinItsReleaseAndThenCostsNothing)
{
    OfflineSession s(instrumentSession("faust/voice_sine.dsp", 4), 128);
    TrackTaps taps(s, {0u});
    ASSERT_TRUE(s.play.note("keys", 69, 1.0));
    ASSERT_TRUE(s.play.note("keys", 69, 0.0, 24000));
    const auto out = taps.render(1.0)[0].left;
    EXPECT_GT(peak(out, 23000, 24000), 0.9);
    // The voice's release is 50 ms to -60 dB: -90 dBFS by 75 ms after the note-off.
    const double after = 20.0 * std::log10(std::max(peak(out, 24000 + 3600, 24000 + 4800), 1e-20));
    std::printf("[ measured ] 75-100 ms after the note-off: %.1f dBFS\n", after);
    EXPECT_LT(after, -90.0);
    EXPECT_EQ(instrumentOf(s).voices.sounding(), 0u) << "silent for the quiet time: no longer computed";
    EXPECT_EQ(peak(out, 24000 + 9600, out.size()), 0.0) << "freed 200 ms after its note-off: exact silence";
}

TEST(Instrument, TheNoteOverThePolyphonyStealsAVoiceWithoutAClick)
{
    OfflineSession s(instrumentSession("faust/voice_sine.dsp", 2), 128);
    TrackTaps taps(s, {0u});
    const double a = 0.3;
    ASSERT_TRUE(s.play.note("keys", 57, a));       // 220 Hz, the oldest: stolen
    ASSERT_TRUE(s.play.note("keys", 64, a, 100)); // 329.6 Hz
    // The third note lands on a crest of the 220 Hz tone, where a cut would step by a whole 0.3.
    const std::size_t stealAt = 12000 + std::size_t(sr / 220.0 / 4.0);
    ASSERT_TRUE(s.play.note("keys", 69, a, stealAt));
    for (int note : {64, 69})
        ASSERT_TRUE(s.play.note("keys", note, 0.0, 36000));
    const auto out = taps.render(1.0)[0].left;
    // Three sines of 0.3 at most move 0.3 × 2 sin(pi f / sr) each per sample.
    double bound = 0.0;
    for (int note : {57, 64, 69})
        bound += a * 2.0 * std::sin(std::numbers::pi * midiHz(note) / sr);
    const double worst = largestStep(out, 2000, 36000);
    std::printf("[ measured ] largest step around the steal: %.4f (the tones' own bound %.4f)\n", worst, bound);
    EXPECT_LT(worst, 1.25 * bound);
    EXPECT_EQ(instrumentOf(s).voices.steals(), 1u);
    // The stolen note is gone: after the steal fade only 64 and 69 sound.
    const std::span<const float> later(out.data() + 24000, 9600);
    EXPECT_LT(toneDb(later, 220.0, sr), -60.0);
    EXPECT_GT(toneDb(later, midiHz(69), sr), -12.0);
    // And no note sticks after every note-off.
    EXPECT_EQ(peak(out, 36000 + 9600, out.size()), 0.0);
    EXPECT_EQ(instrumentOf(s).voices.sounding(), 0u);
}

TEST(Instrument, PanicSilencesEveryInstrumentWithinABlockAndTheRelease)
{
    OfflineSession s(instrumentSession("faust/voice_sine.dsp", 8,
                         "  - name: pads\n    dsp: faust/voice_sine.dsp\n    channels: 2\n    voices: 4\n"),
        256);
    TrackTaps taps(s, {0u, 1u});
    for (int note : {48, 55, 60, 64, 67})
        ASSERT_TRUE(s.play.note("keys", note, 0.2));
    for (int note : {36, 43})
        ASSERT_TRUE(s.play.note("pads", note, 0.3));
    auto before = taps.render(0.5);
    ASSERT_GT(peak(before[0].left), 0.1);
    ASSERT_GT(peak(before[1].left), 0.1);
    ASSERT_TRUE(s.play.panic());
    auto after = taps.render(0.5);
    for (const auto& track : after) {
        // One block (256) for the command to land, then the 50 ms release to -60 dB: -90 dBFS by 75 ms.
        const double db = 20.0 * std::log10(std::max(peak(track.left, 256 + 3600, track.left.size()), 1e-20));
        std::printf("[ measured ] from 80 ms after /panic: %.1f dBFS\n", db);
        EXPECT_LT(db, -90.0);
    }
}

TEST(Instrument, ASharedControlReachesEveryVoice)
{
    OfflineSession s(instrumentSession("faust/voice_sine.dsp", 4, "    params: {level: 0.5}\n"));
    TrackTaps taps(s, {0u});
    for (int note : {60, 67})
        ASSERT_TRUE(s.play.note("keys", note, 1.0));
    auto out = taps.render(0.5)[0].left;
    const std::span<const float> steady(out.data() + 4800, 14400);
    for (int note : {60, 67})
        EXPECT_NEAR(toneDb(steady, midiHz(note), sr), 20.0 * std::log10(0.5), 0.5) << note;
    ASSERT_TRUE(s.control.set("/track/keys/dsp/level", 0.25));
    out = taps.render(0.5)[0].left;
    const std::span<const float> later(out.data() + 4800, 14400);
    for (int note : {60, 67})
        EXPECT_NEAR(toneDb(later, midiHz(note), sr), 20.0 * std::log10(0.25), 0.5) << note;
    EXPECT_FALSE(s.control.get("/track/keys/dsp/freq")) << "the voice's own controls are the engine's";
    EXPECT_FALSE(s.control.get("/track/keys/dsp/gate"));
}

TEST(Instrument, BadNotesAreRefusedWithAReason)
{
    OfflineSession s(instrumentSession("faust/voice_dc.dsp", 2, "  - name: drone\n    dsp: tone\n"));
    auto expectError = [](const backline::Result<void>& r, const std::string& words) {
        ASSERT_FALSE(r);
        EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
    };
    expectError(s.play.note("keys", 128, 0.5), "0..127");
    expectError(s.play.note("keys", -1, 0.5), "0..127");
    expectError(s.play.note("keys", 60, 1.5), "velocity");
    expectError(s.play.note("keys", 60, std::nan("")), "velocity");
    expectError(s.play.note("drone", 60, 0.5), "not an instrument");
    expectError(s.play.note("nobody", 60, 0.5), "it has: keys");
    expectError(s.play.allNotesOff("nobody"), "no instrument track");
    EXPECT_EQ(s.play.instruments(), std::vector<std::string> {"keys"});
}

TEST(Instrument, ASessionCannotMakeAnInstrumentOfWhatCannotPlayNotes)
{
    auto refused = [](const std::string& yaml, const std::string& words) {
        try {
            OfflineSession s(yaml);
            ADD_FAILURE() << "accepted: " << yaml;
        } catch (const std::exception& e) {
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    };
    refused(instrumentSession("faust/voice_with_input.dsp", 4), "takes none");
    refused(instrumentSession("faust/voice_without_gate.dsp", 4), "no 'gate' control");
    refused(instrumentSession("faust/voice_two_gains.dsp", 4), "two 'gain' controls");
    refused(instrumentSession("faust/voice_dc.dsp", 4) + "  - name: keys_midi\n    inputs: [system:capture_1]\n",
        "both the MIDI input of instrument 'keys'");
    refused("backline: 1\ntracks:\n  - {name: midi, channels: 1, inputs: [system:capture_1]}\n",
        "is the session's own MIDI input; rename the track");
    refused("backline: 1\ntracks:\n  - name: keys\n    voices: 4\n", "no 'dsp'");
    refused("backline: 1\ntracks:\n  - name: keys\n    dsp: faust/voice_dc.dsp\n    mode: mono\n", "no 'voices'");
    refused(instrumentSession("faust/voice_dc.dsp", 4, "    inputs: [system:capture_1]\n"), "takes no audio");
    refused(instrumentSession("faust/voice_dc.dsp", 65), "voices");
    refused(instrumentSession("faust/voice_dc.dsp", 0), "voices");
    refused(instrumentSession("faust/voice_dc.dsp", 4, "    mode: chords\n"), "poly, mono or legato");
    refused(instrumentSession("faust/voice_dc.dsp", 4, "    bend: 100\n"), "bend");
    refused(instrumentSession("faust/voice_dc.dsp", 4, "    midi: {channel: 17}\n"), "channel");
    refused(instrumentSession("faust/voice_dc.dsp", 4, "    midi: {devices: [\"(\"]}\n"), "in 'midi.devices' of");
    refused(instrumentSession("faust/voice_dc.dsp", 4, "    midi: {inputs: [\"a(b\"]}\n"), "not a valid pattern");
    refused(instrumentSession("faust/voice_dc.dsp", 4, "    midi: {port: x}\n"), "port");
}
