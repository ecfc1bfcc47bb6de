// SPDX-License-Identifier: GPL-3.0-or-later
// MidiMapping: source text both ways, curves both ways, ranges checked against the parameter.
#include "midi/MidiMapping.h"

#include <gtest/gtest.h>

#include <cmath>

namespace backline::midi {
namespace {

ParamTraits gainDb() { return {-120.0, 12.0, true, false, false, false}; }
ParamTraits cutoffHz() { return {20.0, 20000.0, false, true, false, false}; }
ParamTraits toggle() { return {0.0, 1.0, false, false, true, false}; }

TEST(MidiMapping, SourcesReadAndWriteTheSameText)
{
    for (const char* text : {"cc:7", "cc:7@1", "cc14:31@16", "nrpn:16383", "note:36@10", "program:0"}) {
        auto source = parseSource(text);
        ASSERT_TRUE(source) << text << ": " << source.error().message;
        EXPECT_EQ(toString(*source), text);
    }
    const auto nrpn = parseSource("nrpn:1000@2");
    ASSERT_TRUE(nrpn);
    EXPECT_EQ(nrpn->kind, MidiSource::Kind::Nrpn);
    EXPECT_EQ(nrpn->number, 1000);
    EXPECT_EQ(nrpn->channel, 2);
}

TEST(MidiMapping, BadSourcesAreRefusedWithTheReason)
{
    for (const char* text : {"", "cc", "cc:", "cc:x", "cc:128", "cc:-1", "cc14:32", "nrpn:16384", "note:7@17",
             "note:7@", "note:7@x", "knob:3", "cc:7@1@2", ":7", "cc:7 "}) {
        auto source = parseSource(text);
        ASSERT_FALSE(source) << "'" << text << "' was taken";
        EXPECT_NE(source.error().message.find("kind:number[@channel]"), std::string::npos) << source.error().message;
    }
    EXPECT_NE(parseSource("cc14:40").error().message.find("0–31"), std::string::npos);
}

TEST(MidiMapping, TheCurveFollowsTheParameterUnlessTheMappingNamesOne)
{
    EXPECT_EQ(curveFor(gainDb()), Curve::Db);
    EXPECT_EQ(curveFor(cutoffHz()), Curve::Log);
    EXPECT_EQ(curveFor(toggle()), Curve::Toggle);
    EXPECT_EQ(curveFor({0, 1, false, false, false, true}), Curve::Momentary);
    EXPECT_EQ(curveFor({-1, 1, false, false, false, false}), Curve::Linear);
    // A log-scaled parameter that reaches 0 cannot move by ratios: linear.
    EXPECT_EQ(curveFor({0, 1, false, true, false, false}), Curve::Linear);
}

TEST(MidiMapping, LinearAndLogCurvesRoundTrip)
{
    const MappedRange linear {Curve::Linear, -1.0, 1.0};
    EXPECT_DOUBLE_EQ(valueAt(linear, 0.0), -1.0);
    EXPECT_DOUBLE_EQ(valueAt(linear, 0.5), 0.0);
    EXPECT_DOUBLE_EQ(valueAt(linear, 1.0), 1.0);
    const MappedRange log {Curve::Log, 20.0, 20000.0};
    EXPECT_NEAR(valueAt(log, 0.5), std::sqrt(20.0 * 20000.0), 1e-9);
    for (double t = 0.0; t <= 1.0; t += 0.125) {
        EXPECT_NEAR(travelOf(linear, valueAt(linear, t)), t, 1e-12);
        EXPECT_NEAR(travelOf(log, valueAt(log, t)), t, 1e-12);
    }
    // A log curve's ends are its range's ends exactly, whatever pow() rounds to (a parameter
    // refuses a value an ulp past its max).
    for (const auto& [lo, hi] : {std::pair {0.3f, 3.0f}, {0.7f, 12.0f}, {0.9f, 1000.0f}}) {
        const MappedRange r {Curve::Log, lo, hi};
        EXPECT_EQ(valueAt(r, 1.0), double(hi));
        EXPECT_EQ(valueAt(r, 0.0), double(lo));
        EXPECT_LE(valueAt(r, 126.0 / 127.0), double(hi));
    }
    // Out of range and not finite are clamped, never NaN.
    EXPECT_DOUBLE_EQ(valueAt(linear, 7.0), 1.0);
    EXPECT_DOUBLE_EQ(valueAt(linear, std::nan("")), -1.0);
    EXPECT_DOUBLE_EQ(travelOf(log, 1e9), 1.0);
    EXPECT_DOUBLE_EQ(travelOf(log, std::nan("")), 0.0);
}

TEST(MidiMapping, TheDbCurveIsTheConsoleFaderLaw)
{
    EXPECT_DOUBLE_EQ(faderDb(0.78), 0.0);
    EXPECT_DOUBLE_EQ(faderDb(1.0), 12.0);
    EXPECT_DOUBLE_EQ(faderDb(0.0), -120.0);
    EXPECT_DOUBLE_EQ(faderDb(0.5), -20.0);
    EXPECT_NEAR(faderTravel(-10.0), 0.62, 1e-12);
    // Unity at 78 % of a 7-bit fader's travel: CC 99 is within 0.1 dB of 0 dB.
    const MappedRange db {Curve::Db, -120.0, 12.0};
    EXPECT_NEAR(valueAt(db, 99.0 / 127.0), 0.0, 0.15);
    for (double t = 0.0; t <= 1.0; t += 0.05)
        EXPECT_NEAR(travelOf(db, valueAt(db, t)), t, 1e-9);
    // A narrower range clamps the law: the bottom of the travel stays at the range's floor.
    const MappedRange narrow {Curve::Db, -60.0, 6.0};
    EXPECT_DOUBLE_EQ(valueAt(narrow, 0.0), -60.0);
    EXPECT_DOUBLE_EQ(valueAt(narrow, 1.0), 6.0);
}

TEST(MidiMapping, RangesAreCheckedAgainstTheParameter)
{
    MidiMapping m;
    m.address = "/track/a/gain";
    auto range = resolveRange(m, gainDb());
    ASSERT_TRUE(range);
    EXPECT_EQ(range->curve, Curve::Db);
    EXPECT_EQ(range->min, -120.0);
    EXPECT_EQ(range->max, 12.0);

    m.min = -60.0;
    m.max = 6.0;
    range = resolveRange(m, gainDb());
    ASSERT_TRUE(range);
    EXPECT_EQ(range->min, -60.0);

    m.max = 24.0;
    range = resolveRange(m, gainDb());
    ASSERT_FALSE(range);
    EXPECT_NE(range.error().message.find("outside the parameter's range"), std::string::npos) << range.error().message;

    MidiMapping cut;
    cut.address = "/track/a/dsp/cutoff";
    cut.curve = Curve::Db;
    range = resolveRange(cut, cutoffHz());
    ASSERT_FALSE(range);
    EXPECT_NE(range.error().message.find("needs a parameter in dB"), std::string::npos);

    MidiMapping pan;
    pan.curve = Curve::Log;
    range = resolveRange(pan, {-1.0, 1.0, false, false, false, false});
    ASSERT_FALSE(range);
    EXPECT_NE(range.error().message.find("one sign"), std::string::npos);

    MidiMapping downDb;
    downDb.min = 6.0;
    downDb.max = -60.0;
    range = resolveRange(downDb, gainDb());
    ASSERT_FALSE(range) << "the fader law runs up";
    EXPECT_NE(range.error().message.find("runs up"), std::string::npos);

    MidiMapping flat;
    flat.curve = Curve::Toggle;
    flat.min = 1.0;
    flat.max = 1.0;
    EXPECT_FALSE(resolveRange(flat, toggle()));
}

TEST(MidiMapping, AReversedRangeTurnsTheKnobAround)
{
    MidiMapping m;
    m.min = 1.0;
    m.max = -1.0;
    auto range = resolveRange(m, {-1.0, 1.0, false, false, false, false});
    ASSERT_TRUE(range);
    EXPECT_DOUBLE_EQ(valueAt(*range, 0.0), 1.0);
    EXPECT_DOUBLE_EQ(valueAt(*range, 1.0), -1.0);
    EXPECT_DOUBLE_EQ(travelOf(*range, 0.5), 0.25);
}

} // namespace
} // namespace backline::midi
