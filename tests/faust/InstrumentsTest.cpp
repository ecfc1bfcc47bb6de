// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in instruments (faust/instruments/), one voice at a time, driven the way the engine
// drives a voice (freq, gain, gate) and judged by what comes out: pitch, level against velocity,
// an exact silence after the release, a bounded filter at full resonance, the drum kit's pieces.
#include "DspRender.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

using namespace backline::test;

namespace {

constexpr double rate = testSampleRate;
/// The engine frees a released voice once its output stays below this (2^-24).
constexpr double silenceFloor = 5.9604645e-8;

/// A voice of instrument `name`, checked to be a mono generator.
std::unique_ptr<backline::faust::DspInstance> voice(const std::string& name)
{
    auto dsp = builtin(name);
    EXPECT_TRUE(dsp);
    if (dsp) {
        EXPECT_EQ(dsp->numInputs(), 0) << name;
        EXPECT_EQ(dsp->numOutputs(), 1) << name;
    }
    return dsp;
}

/// Renders `seconds` more of a voice's single output and checks every sample is finite and
/// not subnormal (the tests run with the processor's flush-to-zero off).
std::vector<float> play(backline::faust::DspInstance& dsp, double seconds)
{
    auto out = render(dsp, {}, frames(seconds));
    std::size_t bad = 0, subnormal = 0;
    for (float s : out[0]) {
        bad += std::isfinite(s) ? 0 : 1;
        subnormal += std::fpclassify(s) == FP_SUBNORMAL ? 1 : 0;
    }
    EXPECT_EQ(bad, 0u) << dsp.origin() << ": NaN or infinite samples";
    EXPECT_EQ(subnormal, 0u) << dsp.origin() << ": subnormal samples";
    return std::move(out[0]);
}

/// Appends b to a.
void append(std::vector<float>& a, const std::vector<float>& b) { a.insert(a.end(), b.begin(), b.end()); }

/// Starts a note on a fresh voice: freq and gain set, gate open.
void noteOn(backline::faust::DspInstance& dsp, double hz, double gain)
{
    setParam(dsp, "freq", float(hz));
    setParam(dsp, "gain", float(gain));
    setParam(dsp, "gate", 1.0f);
}

double hzOfNote(int note) { return 440.0 * std::pow(2.0, (note - 69) / 12.0); }

/// In-place radix-2 FFT (size a power of two).
void fft(std::vector<std::complex<double>>& a)
{
    const std::size_t n = a.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j)
            std::swap(a[i], a[j]);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const std::complex<double> step = std::polar(1.0, -2.0 * std::numbers::pi / double(len));
        for (std::size_t i = 0; i < n; i += len) {
            std::complex<double> w = 1.0;
            for (std::size_t k = 0; k < len / 2; ++k, w *= step) {
                const auto u = a[i + k];
                const auto v = a[i + k + len / 2] * w;
                a[i + k] = u + v;
                a[i + k + len / 2] = u - v;
            }
        }
    }
}

/// Power per FFT bin (bin width rate / n) of x[from, from + n), Hann-windowed; n a power of two.
std::vector<double> powerSpectrum(const std::vector<float>& x, std::size_t from, std::size_t n)
{
    EXPECT_LE(from + n, x.size());
    std::vector<std::complex<double>> a(n);
    for (std::size_t i = 0; i < n && from + i < x.size(); ++i)
        a[i] = (0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(i) / double(n))) * x[from + i];
    fft(a);
    std::vector<double> power(n / 2);
    for (std::size_t i = 0; i < n / 2; ++i)
        power[i] = std::norm(a[i]);
    return power;
}

/// The frequency of the strongest spectral peak of x[from, from + n) between lo and hi Hz: the
/// FFT's loudest bin, refined to 0.05 Hz by scanning the Goertzel level (toneDb) across it.
double strongestPeakHz(const std::vector<float>& x, std::size_t from, std::size_t n, double lo, double hi)
{
    const auto power = powerSpectrum(x, from, n);
    const double binHz = rate / double(n);
    std::size_t best = std::size_t(lo / binHz);
    for (std::size_t i = best; i < power.size() && double(i) * binHz <= hi; ++i)
        if (power[i] > power[best])
            best = i;
    const std::span<const float> window(x.data() + from, n);
    double bestHz = double(best) * binHz, bestDb = -1e9;
    for (double hz = (double(best) - 1.5) * binHz; hz <= (double(best) + 1.5) * binHz; hz += 0.05) {
        const double db = toneDb(window, hz, rate);
        if (db > bestDb) {
            bestDb = db;
            bestHz = hz;
        }
    }
    return bestHz;
}

/// Share of the energy of x[from, from + n) below (above = false) or above (above = true) hz.
double energyShare(const std::vector<float>& x, std::size_t from, std::size_t n, double hz, bool above)
{
    const auto power = powerSpectrum(x, from, n);
    double part = 0.0, all = 0.0;
    for (std::size_t i = 1; i < power.size(); ++i) {
        const double binHz = double(i) * rate / double(n);
        all += power[i];
        if (above ? binHz > hz : binHz < hz)
            part += power[i];
    }
    return all > 0.0 ? part / all : 0.0;
}

double db(double linear) { return linear > 0.0 ? 20.0 * std::log10(linear) : -400.0; }

/// The first frame from which x stays exactly 0 to its end (x.size() if its last sample is not 0).
std::size_t zeroFrom(const std::vector<float>& x)
{
    std::size_t i = x.size();
    while (i > 0 && x[i - 1] == 0.0f)
        --i;
    return i;
}

/// A note held for `held` seconds on a fresh voice, then released and played on for `after`
/// seconds: the whole output, the gate's fall at frame frames(held).
std::vector<float> heldThenReleased(const std::string& name, double held, double after,
    const std::vector<std::pair<std::string, float>>& settings = {}, double hz = 440.0, double gain = 0.8)
{
    auto dsp = voice(name);
    if (!dsp)
        return {};
    for (const auto& [path, value] : settings)
        setParam(*dsp, path, value);
    noteOn(*dsp, hz, gain);
    auto out = play(*dsp, held);
    setParam(*dsp, "gate", 0.0f);
    append(out, play(*dsp, after));
    return out;
}

/// Pitch, release and velocity checks every melodic instrument passes.
void expectPlaysInTune(const std::string& name, const std::vector<std::pair<std::string, float>>& settings = {})
{
    for (double hz : {440.0, 110.0, 1760.0}) {
        auto dsp = voice(name);
        ASSERT_TRUE(dsp);
        for (const auto& [path, value] : settings)
            setParam(*dsp, path, value);
        noteOn(*dsp, hz, 0.8);
        const auto out = play(*dsp, 2.0);
        // 65536 frames (1.37 s) from 0.2 s: bins of 0.73 Hz, refined to 0.05 Hz.
        const double found = strongestPeakHz(out, frames(0.2), 65536, 20.0, 10000.0);
        EXPECT_NEAR(found, hz, hz == 440.0 ? 1.0 : hz / 440.0) << name << " at " << hz << " Hz";
        std::printf("[ measured ] %s: note at %.1f Hz, strongest peak at %.2f Hz\n", name.c_str(), hz, found);
    }
}

} // namespace

//------------------------------------ synth ------------------------------------

TEST(Synth, StrongestPeakIsTheNotesPitch)
{
    expectPlaysInTune("synth");
    // Without the detune's spread the two oscillators sit exactly on the note.
    expectPlaysInTune("synth", {{"osc/detune", 0.0f}});
}

TEST(Synth, ReleaseReachesAnExactZeroWithinTheReleaseTime)
{
    const double release = 0.3; // amp/release's default
    const auto out = heldThenReleased("synth", 1.0, 1.0);
    const std::size_t off = frames(1.0);
    const double heldPeak = peak(out, off - frames(0.1), off);
    EXPECT_GT(db(heldPeak), -30.0) << "the note sounds while held";
    // Still sounding just after the key is let go: the release is no cut.
    EXPECT_GT(db(peak(out, off, off + frames(0.03))), db(heldPeak) - 20.0);
    EXPECT_LT(db(peak(out, off + frames(release), out.size())), -90.0);
    EXPECT_LE(zeroFrom(out), off + frames(release)) << "an exact 0 from the end of the release on";
    std::printf("[ measured ] synth: exact 0 from %.1f ms after the gate fell (release %.0f ms)\n",
        1e3 * double(zeroFrom(out) - off) / rate, 1e3 * release);
}

TEST(Synth, ReleaseFalls90dBOverItsTime)
{
    // The documented law: an exponential fall of 90 dB over the release time, then 0.
    const double release = 2.0;
    // (filter/env 0: the filter's own release would change the waveform's peak meanwhile;
    // osc/detune 0: the oscillators' beating would move it too.)
    const auto out = heldThenReleased("synth", 1.0, 2.5,
        {{"amp/release", float(release * 1000)}, {"filter/env", 0.0f}, {"osc/detune", 0.0f}});
    const std::size_t off = frames(1.0);
    const double start = db(peak(out, off - frames(0.05), off));
    const double half = db(peak(out, off + frames(release / 2) - frames(0.025), off + frames(release / 2) + frames(0.025)));
    EXPECT_NEAR(half - start, -45.0, 3.0) << "half way through the release";
    EXPECT_LE(zeroFrom(out), off + frames(release));
    EXPECT_GT(zeroFrom(out), off + frames(release * 0.8)) << "not cut short";
    std::printf("[ measured ] synth: release 2 s: %.2f dB half way, an exact 0 after %.3f s\n", half - start,
        double(zeroFrom(out) - off) / rate);
}

TEST(Synth, VelocityScalesTheLevel)
{
    // gain 0.2 against 0.8 is 12.04 dB at amp/velocity 100 % (with the filter's velocity off,
    // the tone is the same and only the level moves).
    auto level = [](double gain, float filterVelocity) {
        auto dsp = voice("synth");
        setParam(*dsp, "filter/velocity", filterVelocity);
        noteOn(*dsp, 440.0, gain);
        const auto out = play(*dsp, 1.5);
        return toneDb(std::span<const float>(out).subspan(frames(1.0), frames(0.5)), 440.0, rate);
    };
    const double difference = level(0.8, 0.0f) - level(0.2, 0.0f);
    EXPECT_NEAR(difference, 20.0 * std::log10(4.0), 0.1);
    // With the defaults the filter also opens with velocity: louder still, by a little.
    const double withFilter = level(0.8, 50.0f) - level(0.2, 50.0f);
    EXPECT_GT(withFilter, 11.0);
    EXPECT_LT(withFilter, 16.0);
    std::printf("[ measured ] synth: gain 0.8 vs 0.2: %.2f dB (filter velocity off), %.2f dB (defaults)\n",
        difference, withFilter);
}

TEST(Synth, FullResonanceAtExtremeCutoffsStaysBoundedAndStopsWithTheGate)
{
    double loudest = 0.0;
    std::string where;
    for (float cutoff : {20.0f, 100.0f, 440.0f, 2000.0f, 20000.0f}) {
        for (float env : {-5.0f, 0.0f, 8.0f}) {
            for (double hz : {20.0, 110.0, 440.0, 3000.0, 20000.0}) {
                const auto out = heldThenReleased("synth", 0.5, 0.5,
                    {{"filter/resonance", 100.0f}, {"filter/cutoff", cutoff}, {"filter/env", env},
                        {"filter/keytrack", 100.0f}, {"level", 0.0f}, {"amp/release", 100.0f}},
                    hz, 1.0);
                ASSERT_FALSE(out.empty());
                const double p = peak(out, 0, out.size());
                char setting[96];
                std::snprintf(setting, sizeof setting, "cutoff %g Hz, env %g octaves, note %g Hz", cutoff, env, hz);
                if (p > loudest) {
                    loudest = p;
                    where = setting;
                }
                // The resonance does not ring on (or oscillate) once the gate has closed.
                EXPECT_LE(zeroFrom(out), frames(0.5) + frames(0.1)) << setting;
            }
        }
    }
    // +6 dBFS: the bound the hygiene test holds every generator to; a stable filter stays well below.
    EXPECT_LT(db(loudest), 6.0) << where;
    std::printf("[ measured ] synth at full resonance, level 0 dB, gain 1: loudest %.2f dBFS (%s)\n", db(loudest),
        where.c_str());
}

TEST(Synth, GlideMovesThePitchOnlyWhenAsked)
{
    // Legato: the voice changes note without a new gate. At glide 0 the new pitch is there at
    // once; at 200 ms it is still on its way 40 ms later (near 320 Hz, coming from 300 Hz).
    auto levelAt440SoonAfterTheChange = [](float glideMs) {
        auto dsp = voice("synth");
        setParam(*dsp, "glide", glideMs);
        setParam(*dsp, "osc/detune", 0.0f);
        noteOn(*dsp, 300.0, 0.8);
        play(*dsp, 0.5);
        setParam(*dsp, "freq", 440.0f);
        const auto out = play(*dsp, 0.04);
        return toneDb(out, 440.0, rate);
    };
    const double at0 = levelAt440SoonAfterTheChange(0.0f);
    const double at200 = levelAt440SoonAfterTheChange(200.0f);
    EXPECT_GT(at0, -40.0);
    EXPECT_LT(at200, at0 - 30.0);
    std::printf("[ measured ] synth: 440 Hz within 40 ms of a change from 300 Hz: %.1f dB at glide 0, %.1f dB at 200 ms\n",
        at0, at200);
}

//------------------------------------ epiano -----------------------------------

TEST(Epiano, StrongestPeakIsTheNotesPitch) { expectPlaysInTune("epiano"); }

TEST(Epiano, ReleaseReachesAnExactZeroWithinTheReleaseTime)
{
    const double release = 0.3; // release's default
    const auto out = heldThenReleased("epiano", 1.0, 1.0);
    const std::size_t off = frames(1.0);
    const double heldPeak = peak(out, off - frames(0.1), off);
    EXPECT_GT(db(heldPeak), -40.0);
    EXPECT_GT(db(peak(out, off, off + frames(0.03))), db(heldPeak) - 20.0);
    EXPECT_LT(db(peak(out, off + frames(release), out.size())), -90.0);
    EXPECT_LE(zeroFrom(out), off + frames(release));
}

TEST(Epiano, AHeldNoteFadesOutOnItsOwn)
{
    // decay 8 s at middle C, times sqrt(261.63 / 440) at A4: silent after 6.17 s, key still down.
    auto dsp = voice("epiano");
    noteOn(*dsp, 440.0, 0.8);
    const auto out = play(*dsp, 7.0);
    const double expected = 8.0 * std::sqrt(261.6256 / 440.0);
    EXPECT_GT(db(peak(out, frames(3.0), frames(3.1))), -80.0) << "still sounding half way";
    EXPECT_LE(zeroFrom(out), frames(expected + 0.01));
    EXPECT_GT(zeroFrom(out), frames(expected * 0.9));
}

TEST(Epiano, VelocityScalesTheLevel)
{
    auto rms = [](double gain, float brightness, float tine) {
        auto dsp = voice("epiano");
        setParam(*dsp, "brightness", brightness);
        setParam(*dsp, "tine", tine);
        noteOn(*dsp, 440.0, gain);
        const auto out = play(*dsp, 1.0);
        return rmsDb(std::span<const float>(out).subspan(frames(0.5), frames(0.2)));
    };
    // Without modulation the voice is a sine whose level is the velocity's: 12.04 dB.
    const double pure = rms(0.8, 0.0f, 0.0f) - rms(0.2, 0.0f, 0.0f);
    EXPECT_NEAR(pure, 20.0 * std::log10(4.0), 0.05);
    // With it, a harder hit is also brighter, which moves the power of a ratio-1 modulation a little.
    const double withDefaults = rms(0.8, 50.0f, 50.0f) - rms(0.2, 50.0f, 50.0f);
    EXPECT_NEAR(withDefaults, 20.0 * std::log10(4.0), 1.5);
    std::printf("[ measured ] epiano: gain 0.8 vs 0.2: %.2f dB RMS (pure sine), %.2f dB (defaults)\n", pure,
        withDefaults);
}

TEST(Epiano, AHarderHitIsBrighter)
{
    // Second harmonic against the fundamental, soft and hard.
    auto brightness = [](double gain) {
        auto dsp = voice("epiano");
        noteOn(*dsp, 220.0, gain);
        const auto out = play(*dsp, 0.3);
        const std::span<const float> x = std::span<const float>(out).subspan(frames(0.05), frames(0.2));
        return toneDb(x, 440.0, rate) - toneDb(x, 220.0, rate);
    };
    EXPECT_GT(brightness(1.0), brightness(0.2) + 6.0);
}

//------------------------------------- drums -----------------------------------

namespace {

struct Piece {
    int note;
    const char* name;
    double decay; ///< its documented time to silence at the defaults, seconds
};
/// The pieces the kit must have, with their defaults' decays (kick/decay, snare/decay, hat/closed, hat/open).
const Piece pieces[] = {{36, "kick", 0.6}, {38, "snare", 0.35}, {42, "closed hat", 0.15}, {46, "open hat", 0.9}};

/// One strike of note at gain 0.8 on a fresh drum voice, the gate held throughout.
std::vector<float> strike(int note, double seconds)
{
    auto dsp = voice("drums");
    noteOn(*dsp, hzOfNote(note), 0.8);
    return play(*dsp, seconds);
}

} // namespace

TEST(Drums, EachPieceSounds)
{
    for (const Piece& p : pieces) {
        const auto out = strike(p.note, 1.0);
        EXPECT_GT(db(peak(out, 0, out.size())), -20.0) << p.name;
        std::printf("[ measured ] drums: %s (%d) peaks at %.1f dBFS\n", p.name, p.note, db(peak(out, 0, out.size())));
    }
}

TEST(Drums, KickIsLowAndHatsAreHigh)
{
    const auto kick = strike(36, 1.0);
    const double kickLow = energyShare(kick, 0, 32768, 200.0, false);
    EXPECT_GT(kickLow, 0.9) << "share of the kick's energy below 200 Hz";
    for (int note : {42, 46}) {
        const auto hat = strike(note, 1.0);
        const double high = energyShare(hat, 0, 32768, 5000.0, true);
        EXPECT_GT(high, 0.9) << "share of hat " << note << "'s energy above 5 kHz";
        std::printf("[ measured ] drums: %d has %.1f %% of its energy above 5 kHz\n", note, 100 * high);
    }
    std::printf("[ measured ] drums: the kick has %.1f %% of its energy below 200 Hz\n", 100 * kickLow);
}

TEST(Drums, AStrikeFallsToAnExactZeroWithinItsDecayWithTheGateHeld)
{
    for (const Piece& p : pieces) {
        const auto out = strike(p.note, p.decay + 0.5);
        // 1 ms of attack, then the decay.
        const std::size_t end = frames(p.decay + 0.001);
        EXPECT_LT(db(peak(out, end, out.size())), -90.0) << p.name;
        EXPECT_LE(zeroFrom(out), end + 1) << p.name;
        EXPECT_GT(zeroFrom(out), frames(p.decay / 3)) << p.name << " lasts";
    }
}

TEST(Drums, NoteOffChangesNothing)
{
    for (const Piece& p : pieces) {
        auto held = strike(p.note, 1.0);
        auto dsp = voice("drums");
        noteOn(*dsp, hzOfNote(p.note), 0.8);
        auto released = play(*dsp, 256.0 / rate);
        setParam(*dsp, "gate", 0.0f);
        append(released, play(*dsp, 1.0 - 256.0 / rate));
        ASSERT_EQ(held.size(), released.size());
        EXPECT_TRUE(std::equal(held.begin(), held.end(), released.begin())) << p.name;
    }
}

TEST(Drums, ARetriggerStrikesAgain)
{
    // The engine retriggers a voice with gate 0 then 1 on consecutive blocks.
    auto dsp = voice("drums");
    noteOn(*dsp, hzOfNote(38), 0.8);
    auto out = play(*dsp, 1.0);
    setParam(*dsp, "gate", 0.0f);
    append(out, play(*dsp, 256.0 / rate));
    setParam(*dsp, "gate", 1.0f);
    append(out, play(*dsp, 0.5));
    EXPECT_EQ(peak(out, frames(0.9), frames(1.0)), 0.0) << "the first strike is over";
    EXPECT_GT(db(peak(out, frames(1.0), out.size())), -20.0) << "the second one sounds";
}

TEST(Drums, VelocityScalesTheLevel)
{
    auto loud = strike(38, 0.5);
    auto dsp = voice("drums");
    noteOn(*dsp, hzOfNote(38), 0.2);
    const auto soft = play(*dsp, 0.5);
    EXPECT_NEAR(rmsDb(loud) - rmsDb(soft), 20.0 * std::log10(4.0), 0.1);
}

TEST(Drums, NotesOffTheMapAreSilent)
{
    for (int note : {34, 60, 72}) {
        const auto out = strike(note, 0.3);
        EXPECT_EQ(peak(out, 0, out.size()), 0.0) << note;
    }
}

TEST(Drums, EveryNoteAtExtremeSettingsStaysBoundedAndEnds)
{
    // Every control at its minimum, then at its maximum (the level at 0 dB); every note from 0 to
    // 127 struck at full velocity with the gate held: below +6 dBFS, and an exact 0 once the longest one-shot the
    // setting allows is over (clap's fixed 350 ms at the minima, cymbal/decay's 10 s at the maxima).
    auto probe = voice("drums");
    ASSERT_TRUE(probe);
    for (const bool maxima : {false, true}) {
        const double longest = maxima ? 10.0 : 0.35;
        double loudest = 0.0;
        for (int note = 0; note < 128; ++note) {
            auto dsp = voice("drums");
            for (const auto& p : probe->params())
                setParam(*dsp, p.path, maxima ? p.max : p.min);
            setParam(*dsp, "level", 0.0f); // its minimum is an exact 0, which would prove nothing
            noteOn(*dsp, hzOfNote(note), 1.0);
            const bool mapped = note >= 35 && note <= 59;
            const auto out = play(*dsp, mapped ? longest + 0.05 : 0.05);
            loudest = std::max(loudest, peak(out, 0, out.size()));
            if (mapped)
                EXPECT_LE(zeroFrom(out), frames(longest + 0.002)) << "note " << note << (maxima ? " at the maxima" : " at the minima");
            else
                EXPECT_EQ(peak(out, 0, out.size()), 0.0) << "note " << note << " is off the map";
        }
        EXPECT_LT(db(loudest), 6.0) << (maxima ? "at the maxima" : "at the minima");
        std::printf("[ measured ] drums: every note at the %s: loudest %.2f dBFS\n", maxima ? "maxima" : "minima",
            db(loudest));
    }
}

TEST(Instruments, AReleasedVoiceGoesBelowTheEnginesSilenceFloor)
{
    // What lets the engine stop computing a released voice: its output under 2^-24 for good.
    for (const char* name : {"synth", "epiano", "drums"}) {
        const int note = std::string(name) == "drums" ? 38 : 60;
        const auto out = heldThenReleased(name, 0.5, 3.0, {}, hzOfNote(note), 1.0);
        EXPECT_LT(peak(out, out.size() - frames(1.0), out.size()), silenceFloor) << name;
    }
}
