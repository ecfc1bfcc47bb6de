// SPDX-License-Identifier: GPL-3.0-or-later
// DSP hygiene, the method of Faust's `interp-tracer -control`, done in a test: every DSP the
// project ships runs for a minute of audio at 48 kHz: 40 s with its controls at their defaults,
// their extremes and random values within their ranges (a new setting every half second), fed
// noise, sines, impulses, DC and silence from -60 to +6 dBFS; then twice 10 s of a tail decaying
// in silence (controls at their maxima, then at their defaults). With the processor's
// flush-to-zero off, nothing it outputs may be NaN or infinite, its output may not stay
// subnormal for 100 ms (a tail that never reaches zero), a tail's blocks may not cost far more
// CPU than busy ones (a denormal storm inside), and no sample may exceed the bound below.
//
// The DSP under test: every built-in in faust::builtinCatalog() (so a new one is covered the
// moment it is registered), every .dsp under faust/ that is not a built-in (compiled by the
// JIT) and every .dsp in sessions/dsp/.
#include "DspRender.h"

#include "faust/BuiltinCatalog.h"
#include "faust/DspFactory.h"
#include "faust/JitCompiler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace fs = std::filesystem;
using namespace backline;
using backline::test::testSampleRate;

namespace {

/// Loudest input the test feeds: +6 dBFS (a hot signal clipping a converter would not pass).
constexpr double maxInputDb = 6.0;
/// The bound: no DSP may output more than +24 dBFS at inputs up to +6 dBFS, i.e. 18 dB of
/// gain at most anywhere (faders and trims stop at +12 dB), and no generator (a DSP without
/// inputs) more than +6 dBFS. Above it something is unstable, not just loud.
constexpr float processorBound = 15.85f; // +24 dBFS
constexpr float generatorBound = 2.0f;   // +6 dBFS

/// Built-ins whose controls, all at their maxima, are designed to apply more than 18 dB of gain
/// (faust/README.md): their bound is +6 dBFS plus that gain. A stable DSP stays within it; an
/// unstable one leaves it (or turns infinite) within the minute.
double designedGainDb(const std::string& name)
{
    // Strips: trim +24, four EQ bands of +18 stacked at one frequency (the two shelves overshoot
    // by up to 5.5 dB at Q 2: +6 each), compressor make-up +24. Master: gain +12 instead of the
    // trim, with the limiter switched off.
    constexpr double eq = 4 * 18 + 2 * 6;
    if (name == "channel_mono" || name == "channel_stereo")
        return 24 + eq + 24;
    // The strip's sections on their own (the engine's strips): the EQ's bands, the compressor's make-up.
    if (name == "strip_eq_mono" || name == "strip_eq_stereo")
        return eq;
    if (name == "strip_comp_mono" || name == "strip_comp_stereo")
        return 24;
    if (name == "master")
        return 12 + eq + 24;
    // Delay: level +12 dB and 95 % feedback, whose repeats of a steady signal sum to 1 / (1 - 0.95).
    if (name == "delay")
        return 12 + 20 * std::log10(1 / (1 - 0.95)) + 0.1;
    return 18;
}

constexpr std::size_t segmentFrames = testSampleRate / 2; // a new setting every 0.5 s
/// 40 s of changing settings, then two 10 s tails: a minute in all.
constexpr std::size_t settingSegments = 80;
constexpr std::size_t tailSegments = 20;
constexpr std::size_t blockFrames = 256;
/// Subnormal output may last this long: a gain gliding to an exact 0 passes through the
/// subnormal range for a few milliseconds; a tail that stays there is a bug.
constexpr std::size_t maxSubnormalRunFrames = testSampleRate / 10;
/// A block of a decaying tail may cost this many times a busy block before it counts as a storm
/// (subnormal arithmetic is 10–100 times slower; control settings barely change the cost).
constexpr double stormCpuRatio = 6.0;

/// A DSP to examine: its name in test output and how to make an instance.
struct Subject {
    std::string name;
    std::string file; ///< empty for a built-in
};

fs::path sourceDir() { return BACKLINE_SOURCE_DIR; }

std::vector<Subject> subjects()
{
    std::vector<Subject> all;
    std::set<std::string> builtins;
    for (const auto& entry : faust::builtinCatalog()) {
        all.push_back({entry.name, {}});
        builtins.insert(entry.name);
    }
    // A .dsp in faust/ not registered as a built-in (its stem is the built-in name by
    // convention) still ships: examine it through the JIT. Libraries and architecture files
    // are not DSP.
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(sourceDir() / "faust"))
        if (entry.path().extension() == ".dsp" && !builtins.count(entry.path().stem().string()))
            files.push_back(entry.path());
    if (fs::is_directory(sourceDir() / "sessions/dsp"))
        for (const auto& entry : fs::directory_iterator(sourceDir() / "sessions/dsp"))
            if (entry.path().extension() == ".dsp")
                files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files)
        all.push_back({"file_" + fs::relative(file, sourceDir()).replace_extension().string(), file.string()});
    for (auto& s : all)
        std::replace_if(s.name.begin(), s.name.end(), [](char c) { return !std::isalnum((unsigned char)c); }, '_');
    return all;
}

std::unique_ptr<faust::DspInstance> instantiate(const Subject& subject)
{
    Result<std::shared_ptr<faust::DspFactory>> factory = subject.file.empty()
        ? faust::builtinFactory(subject.name)
        : faust::JitCompiler({{}, {sourceDir() / "faust/lib"}}).compile(subject.file);
    EXPECT_TRUE(factory) << (factory ? "" : factory.error().message);
    if (!factory)
        return nullptr;
    auto instance = (*factory)->instantiate(testSampleRate);
    EXPECT_TRUE(instance) << (instance ? "" : instance.error().message);
    return instance ? std::move(*instance) : nullptr;
}

/// Runs the block with the processor's flush-to-zero and denormals-are-zero modes off, so a
/// DSP that only behaves because the engine flushes denormals for it is caught here.
class ScopedDenormalsOn {
public:
    ScopedDenormalsOn()
    {
#if defined(__SSE__)
        saved_ = _mm_getcsr();
        _mm_setcsr(saved_ & ~0x8040u);
#endif
    }
    ~ScopedDenormalsOn()
    {
#if defined(__SSE__)
        _mm_setcsr(saved_);
#endif
    }

private:
    unsigned saved_ = 0;
};

double threadCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0.0;
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    return v[v.size() / 2];
}

/// One half second's setting, for messages.
struct Setting {
    std::string controls;
    std::string input;
};

/// Sets every control for segment k: defaults, all minimum, all maximum, alternating
/// extremes, then random (a quarter at the minimum, a quarter at the maximum, the rest
/// anywhere in between, on the control's step).
std::string setControls(faust::DspInstance& dsp, std::size_t k, std::mt19937& rng)
{
    std::ostringstream text;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::size_t i = 0;
    for (const auto& p : dsp.params()) {
        double v = p.init;
        const double pick = unit(rng);
        switch (k) {
        case 0: v = p.init; break;
        case 1: v = p.min; break;
        case 2: v = p.max; break;
        case 3: v = (i % 2) ? p.min : p.max; break;
        default:
            v = pick < 0.25 ? p.min : pick < 0.5 ? p.max : p.min + unit(rng) * (double(p.max) - p.min);
            break;
        }
        if (p.kind == port::ParamKind::Toggle || p.kind == port::ParamKind::Trigger)
            v = v > (double(p.min) + p.max) / 2 ? 1.0 : 0.0;
        else if (p.step > 0.0f)
            v = std::clamp(p.min + std::round((v - p.min) / p.step) * double(p.step), double(p.min), double(p.max));
        *p.zone = float(v);
        text << p.path << "=" << float(v) << " ";
        ++i;
    }
    return text.str();
}

/// Fills the inputs for one segment: every fourth segment silence (decaying tails are where
/// denormals live), otherwise noise, a sine, an impulse train or DC at -60 … +6 dBFS.
std::string fillInputs(std::vector<std::vector<float>>& inputs, std::size_t k, std::mt19937& rng)
{
    const double levels[] = {-60, -30, -12, -6, 0, maxInputDb};
    const double db = levels[rng() % std::size(levels)];
    const float amplitude = float(std::pow(10.0, db / 20.0));
    const int kind = k % 4 == 3 ? 0 : 1 + int(rng() % 4);
    const double freq = 20.0 * std::pow(1000.0, std::uniform_real_distribution<double>(0.0, 1.0)(rng));
    std::normal_distribution<float> gauss(0.0f, 1.0f / 3.0f);
    for (auto& channel : inputs) {
        for (std::size_t i = 0; i < channel.size(); ++i) {
            float x = 0.0f;
            switch (kind) {
            case 1: x = std::clamp(gauss(rng), -1.0f, 1.0f); break;
            case 2: x = float(std::sin(2.0 * M_PI * freq * double(i) / testSampleRate)); break;
            case 3: x = i % 4800 == 0 ? 1.0f : 0.0f; break;
            case 4: x = 1.0f; break;
            default: break;
            }
            channel[i] = x * amplitude;
        }
    }
    const char* names[] = {"silence", "noise", "sine", "impulses", "dc"};
    std::ostringstream text;
    text << names[kind];
    if (kind != 0)
        text << " at " << db << " dBFS" << (kind == 2 ? " " + std::to_string(int(freq)) + " Hz" : "");
    return text.str();
}

/// Names the subject in gtest's messages.
[[maybe_unused]] void PrintTo(const Subject& subject, std::ostream* os) { *os << subject.name; }

class DspHygiene : public ::testing::TestWithParam<Subject> { };

} // namespace

TEST_P(DspHygiene, AMinuteAtRandomAndExtremeSettingsStaysFiniteBoundedAndFreeOfDenormals)
{
    const Subject& subject = GetParam();
    auto dsp = instantiate(subject);
    ASSERT_TRUE(dsp);
    const bool generator = dsp->numInputs() == 0;
    const float bound = generator ? generatorBound
        : designedGainDb(subject.name) > 18 ? float(std::pow(10.0, (maxInputDb + designedGainDb(subject.name)) / 20.0))
                                           : processorBound;
    // Seeded by name: a failure reproduces with the same run.
    std::mt19937 rng(std::uint32_t(std::hash<std::string>()(subject.name)));

    std::vector<std::vector<float>> inputs(std::size_t(dsp->numInputs()), std::vector<float>(segmentFrames));
    std::vector<std::vector<float>> outputs(std::size_t(dsp->numOutputs()), std::vector<float>(blockFrames));
    std::vector<float*> in(inputs.size()), out(outputs.size());
    float peak = 0.0f;
    Setting loudest, beforeLoudest, previous;
    std::size_t played = 0, subnormals = 0, run = 0, longestRun = 0;
    double longestRunEnds = 0.0;

    // Plays one segment of the inputs with setting; appends each block's CPU time to times.
    auto play = [&](const Setting& setting, std::vector<double>* times) {
        for (std::size_t start = 0; start < segmentFrames; start += blockFrames) {
            const std::size_t n = std::min(blockFrames, segmentFrames - start);
            for (std::size_t c = 0; c < inputs.size(); ++c)
                in[c] = inputs[c].data() + start;
            for (std::size_t c = 0; c < outputs.size(); ++c)
                out[c] = outputs[c].data();
            {
                ScopedDenormalsOn denormals;
                const double before = threadCpuSeconds();
                dsp->compute(int(n), in.data(), out.data());
                if (times)
                    times->push_back(threadCpuSeconds() - before);
            }
            bool anySubnormal = false;
            for (std::size_t c = 0; c < outputs.size(); ++c) {
                for (std::size_t i = 0; i < n; ++i) {
                    const float y = outputs[c][i];
                    ASSERT_TRUE(std::isfinite(y)) << subject.name << ": output " << c << " is " << y << " at "
                                                  << double(played + i) / testSampleRate << " s with "
                                                  << setting.controls << "and input " << setting.input;
                    if (std::fpclassify(y) == FP_SUBNORMAL) {
                        ++subnormals;
                        anySubnormal = true;
                    }
                    if (std::abs(y) > peak) {
                        peak = std::abs(y);
                        loudest = setting;
                        beforeLoudest = previous;
                    }
                }
            }
            played += n;
            run = anySubnormal ? run + n : 0;
            if (run > longestRun) {
                longestRun = run;
                longestRunEnds = double(played) / testSampleRate;
            }
        }
        previous = setting;
    };

    // 40 s: a new setting and a new input every half second.
    std::vector<double> busyBlocks, tailBlocks;
    for (std::size_t k = 0; k < settingSegments; ++k) {
        const Setting setting {setControls(*dsp, k, rng), fillInputs(inputs, k, rng)};
        // The first half second pays for page faults in fresh delay lines.
        play(setting, k > 0 && setting.input != "silence" ? &busyBlocks : nullptr);
        if (HasFatalFailure())
            return;
    }
    // 2 × 10 s: every control at its maximum, then at its default, each after a burst of noise,
    // then silence long enough for decaying tails to reach the subnormal range.
    for (std::size_t k : {std::size_t(2), std::size_t(0)}) {
        Setting setting {setControls(*dsp, k, rng), fillInputs(inputs, 1, rng)};
        play(setting, nullptr);
        for (auto& channel : inputs)
            std::fill(channel.begin(), channel.end(), 0.0f);
        setting.input = "silence after noise";
        for (std::size_t segment = 1; segment < tailSegments; ++segment)
            play(setting, segment >= tailSegments / 2 ? &tailBlocks : nullptr);
        if (HasFatalFailure())
            return;
    }

    EXPECT_LE(peak, bound) << subject.name << " peaks at " << 20 * std::log10(peak) << " dBFS with "
                           << loudest.controls << "and input " << loudest.input << " (coming from "
                           << beforeLoudest.controls << "and input " << beforeLoudest.input << ")";
    EXPECT_LE(longestRun, maxSubnormalRunFrames)
        << subject.name << ": blocks with subnormal output for " << 1e3 * double(longestRun) / testSampleRate
        << " ms in a row, until " << longestRunEnds << " s (" << subnormals << " subnormal samples in all)";
    // Medians of many blocks: a busy machine's noise stays out, a storm (every block of a tail
    // slowed down) does not.
    const double busy = median(busyBlocks);
    const double tail = median(tailBlocks);
    EXPECT_LE(tail, stormCpuRatio * busy + 2e-6)
        << subject.name << ": a block of a decaying tail takes " << tail * 1e6 << " us of CPU, a busy one "
        << busy * 1e6 << " us (a denormal storm?)";
    RecordProperty("peak_dbfs", std::to_string(20 * std::log10(std::max(peak, 1e-20f))));
    RecordProperty("subnormal_outputs", std::to_string(subnormals));
    RecordProperty("tail_cpu_ratio", std::to_string(busy > 0 ? tail / busy : 0.0));
}

INSTANTIATE_TEST_SUITE_P(EveryShippedDsp, DspHygiene, ::testing::ValuesIn(subjects()),
    [](const ::testing::TestParamInfo<Subject>& subject) { return subject.param.name; });
