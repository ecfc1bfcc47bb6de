// SPDX-License-Identifier: GPL-3.0-or-later
// The curves morphs move along, and which parameter takes which.
#include "engine/ParamCurve.h"
#include "engine/rt/MorphCurve.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using backline::engine::morphCurveFor;
using backline::engine::MorphCurve;
using backline::engine::morphDomain;
using backline::engine::morphFloorDb;
using backline::engine::morphValue;
using backline::port::ParamInfo;
using backline::port::ParamKind;

TEST(MorphCurve, DecibelsMoveInAStraightLineInDbFromTheFloorUp)
{
    for (float db : {-60.0f, -40.0f, -6.0f, 0.0f, 12.0f})
        EXPECT_EQ(morphDomain(MorphCurve::Decibel, db), double(db));
    // Half way from -40 to 0 dB is -20 dB.
    const double mid = 0.5 * (morphDomain(MorphCurve::Decibel, -40.0f) + morphDomain(MorphCurve::Decibel, 0.0f));
    EXPECT_FLOAT_EQ(morphValue(MorphCurve::Decibel, mid), -20.0f);
}

TEST(MorphCurve, BelowTheFloorDecibelsMoveInAmplitudeDownToSilence)
{
    const double silence = morphDomain(MorphCurve::Decibel, -120.0f);
    EXPECT_NEAR(silence, morphFloorDb - 8.6859, 1e-3) << "silence sits one neper's worth of dB under the floor";
    EXPECT_EQ(morphDomain(MorphCurve::Decibel, -300.0f), silence);
    // Half way between silence and the floor is half the floor's amplitude: -66.02 dB.
    EXPECT_NEAR(morphValue(MorphCurve::Decibel, 0.5 * (silence + morphFloorDb)), -66.02, 0.01);
    EXPECT_EQ(morphValue(MorphCurve::Decibel, silence), std::numeric_limits<float>::lowest());
    for (float db : {-100.0f, -80.0f, -61.0f})
        EXPECT_NEAR(morphValue(MorphCurve::Decibel, morphDomain(MorphCurve::Decibel, db)), db, 1e-3);
}

TEST(MorphCurve, TheDecibelCurveHasNoKinkAtTheFloor)
{
    // The amplitude line meets the dB line with the same speed: dB per domain unit is 1 on both sides.
    const double h = 0.01; // the curve's values are floats: a smaller step would measure their rounding
    const double below = (morphFloorDb - double(morphValue(MorphCurve::Decibel, morphFloorDb - h))) / h;
    const double above = (double(morphValue(MorphCurve::Decibel, morphFloorDb + h)) - morphFloorDb) / h;
    EXPECT_NEAR(below, 1.0, 2e-3);
    EXPECT_NEAR(above, 1.0, 2e-3);
}

TEST(MorphCurve, FrequenciesMoveByEqualRatios)
{
    const double a = morphDomain(MorphCurve::Geometric, 100.0f);
    const double b = morphDomain(MorphCurve::Geometric, 1600.0f);
    EXPECT_NEAR(morphValue(MorphCurve::Geometric, 0.5 * (a + b)), 400.0f, 1e-3);
    EXPECT_NEAR(morphValue(MorphCurve::Geometric, 0.25 * (3 * a + b)), 200.0f, 1e-3);
}

TEST(MorphCurve, EachParameterGetsTheCurveItsKindAndUnitCallFor)
{
    auto curve = [](const char* unit, ParamKind kind = ParamKind::Continuous, bool logScale = false) {
        ParamInfo info;
        info.unit = unit;
        info.kind = kind;
        info.logScale = logScale;
        return morphCurveFor(info);
    };
    EXPECT_EQ(curve("dB"), MorphCurve::Decibel);
    EXPECT_EQ(curve("dBFS"), MorphCurve::Decibel);
    EXPECT_EQ(curve("dBTP"), MorphCurve::Decibel);
    EXPECT_EQ(curve("Hz"), MorphCurve::Geometric);
    EXPECT_EQ(curve("ms", ParamKind::Continuous, true), MorphCurve::Geometric);
    EXPECT_EQ(curve("pan"), MorphCurve::Linear);
    EXPECT_EQ(curve("%"), MorphCurve::Linear);
    EXPECT_EQ(curve(""), MorphCurve::Linear);
    EXPECT_EQ(curve("", ParamKind::Toggle), MorphCurve::Step);
    EXPECT_EQ(curve("", ParamKind::Stepped), MorphCurve::Step);
    EXPECT_EQ(curve("", ParamKind::Trigger), MorphCurve::Step);
    EXPECT_EQ(curve("dB", ParamKind::Stepped), MorphCurve::Step) << "a step is a step whatever its unit";
}
