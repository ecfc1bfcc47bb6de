// SPDX-License-Identifier: GPL-3.0-or-later
// An instrument track on stage: backlined on a real jackd (dummy backend), played by a real
// liblo client's notes, heard by a real JACK client in the test (freewheeling, so the capture
// is about the sound, not the machine's speed).
#include "LiveDaemon.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <span>

using namespace backline::test;

namespace {

const std::string instrumentYaml = "backline: 1\nname: instrument\ntracks:\n"
                                   "  - name: keys\n    dsp: " BACKLINE_TEST_DATA_DIR "/faust/voice_sine.dsp\n"
                                   "    channels: 2\n    voices: 8\n"
                                   "  - name: tone\n    dsp: tone\n    params: {freq: 1000, level: -120}\n";

lo_message note(int number, float velocity)
{
    lo_message m = lo_message_new();
    lo_message_add_int32(m, number);
    lo_message_add_float(m, velocity);
    return m;
}

} // namespace

TEST(DaemonInstrument, OscNotesPlayTheInstrumentAndPanicSilencesIt)
{
    LiveDaemon d(instrumentYaml);
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    d.osc->send("/track/keys/note", note(69, 0.5f));
    // Answered after the note: by then it is queued for the engine's next block.
    ASSERT_TRUE(d.osc->request("/ping"));
    auto [playing, unusedR] = listener.captureFreewheeling(24000, 4800);
    ASSERT_GT(playing.size(), 4800u);
    const double at440 = toneDb(playing, 440.0, 48000.0);
    std::printf("[ measured ] note 69 at velocity 0.5: %.2f dBFS at 440 Hz, %.2f at 430, %.2f at 450\n", at440,
        toneDb(playing, 430.0, 48000.0), toneDb(playing, 450.0, 48000.0));
    EXPECT_NEAR(at440, 20.0 * std::log10(0.5), 0.5);
    EXPECT_LT(toneDb(playing, 880.0, 48000.0), at440 - 60.0) << "a sine, not a distorted one";

    d.osc->send("/track/keys/note", note(76, 0.5f));
    auto done = d.osc->request("/panic");
    ASSERT_TRUE(done);
    EXPECT_EQ(done->address, "/panic/done");
    // 200 ms on: the voices' 50 ms release is long over.
    auto [after, unusedR2] = listener.captureFreewheeling(9600, 9600);
    ASSERT_GT(after.size(), 4800u);
    EXPECT_LT(peakDb(after), -90.0);

    // A note for a track that is not an instrument is refused, and the daemon plays on.
    d.osc->send("/track/tone/note", note(60, 0.5f));
    auto refused = d.osc->receiveAddress("/error");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->address, "/error");
    EXPECT_NE(refused->text(1).find("not an instrument"), std::string::npos) << refused->text(1);
    EXPECT_TRUE(d.process->running());
}

TEST(DaemonInstrument, JackMidiNotesStartOnTheirFramesAndOnlyTheirChannelPlays)
{
    const std::string yaml = "backline: 1\nname: midi\ntracks:\n"
                             "  - name: keys\n    dsp: " BACKLINE_TEST_DATA_DIR "/faust/voice_dc.dsp\n"
                             "    channels: 2\n    voices: 4\n    midi: {channel: 1}\n";
    LiveDaemon d(yaml);
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    listener.addMidiOutput("backline:keys_midi_in");
    // Two notes on channel 1 in one 128-frame cycle, at frames 10 and 100; one on channel 2 at 50.
    auto [left, right] = listener.captureFreewheeling(4800,
        {{10, {0x90, 60, 32}}, {50, {0x91, 64, 127}}, {100, {0x90, 62, 16}}});
    // voice_dc plays its velocity (as a gain) while the key is down: the level steps at each note.
    std::size_t first = 0;
    while (first < left.size() && std::fabs(left[first]) < 1e-4f)
        ++first;
    ASSERT_LT(first + 200, left.size()) << "the first note never sounded";
    const float one = left[first + 40];
    std::size_t second = first + 1;
    while (second < left.size() && left[second] < one + 1e-4f)
        ++second;
    ASSERT_LT(second + 200, left.size()) << "the second note never sounded";
    const float both = left[second + 40];
    std::printf("[ measured ] notes at frames 10 and 100 of a cycle sound %zu frames apart; levels %.4f then %.4f\n",
        second - first, one, both);
    EXPECT_NEAR(double(second - first), 90.0, 1.0);
    EXPECT_NEAR(one, 32.0f / 127.0f, 1e-3f);
    EXPECT_NEAR(both, 48.0f / 127.0f, 1e-3f) << "the note on channel 2 is not for this instrument";
    EXPECT_EQ(left, right);
}
