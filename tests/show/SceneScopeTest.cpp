// SPDX-License-Identifier: GPL-3.0-or-later
// Globs over parameter addresses, and the recall safes built on them.
#include "show/RecallSafe.h"
#include "show/SceneScope.h"

#include <gtest/gtest.h>

using namespace backline::show;

TEST(SceneScope, AGlobNamesOneParameterOrAWholeSubtree)
{
    EXPECT_TRUE(globMatches("/track/vox/gain", "/track/vox/gain"));
    EXPECT_TRUE(globMatches("/track/vox", "/track/vox/gain"));
    EXPECT_TRUE(globMatches("/track/vox/*", "/track/vox/gain"));
    EXPECT_TRUE(globMatches("/track/vox/*", "/track/vox/send/verb/level")) << "a subtree, however deep";
    EXPECT_TRUE(globMatches("/bus/*/dsp/*", "/bus/verb/dsp/reverb/size"));
    EXPECT_TRUE(globMatches("/track/*/gain", "/track/gtr/gain"));
    EXPECT_TRUE(globMatches("/track/g?r/gain", "/track/gtr/gain"));
    EXPECT_TRUE(globMatches("/track/*x/gain", "/track/vox/gain"));
    EXPECT_FALSE(globMatches("/track/vox", "/track/vox2/gain")) << "segments match whole";
    EXPECT_FALSE(globMatches("/track/*/gain", "/track/vox/eq/gain")) << "a * stays within its segment";
    EXPECT_FALSE(globMatches("/track/vox/gain/x", "/track/vox/gain")) << "deeper than the address";
    EXPECT_FALSE(globMatches("/bus/*/dsp", "/track/vox/dsp/cutoff"));
    EXPECT_FALSE(globMatches("track/vox", "/track/vox/gain"));
}

TEST(SceneScope, ABareNameIsAWholeTrackAndBadGlobsAreRefused)
{
    EXPECT_EQ(*parseGlob("vox"), "/track/vox");
    EXPECT_EQ(*parseGlob("/bus/*/"), "/bus/*");
    EXPECT_EQ(*parseGlob("/track/vox/*"), "/track/vox/*");
    EXPECT_FALSE(parseGlob(""));
    EXPECT_FALSE(parseGlob("/"));
    EXPECT_FALSE(parseGlob("/track//gain"));
    EXPECT_FALSE(parseGlob("/track/my vox"));
    const SceneScope scope({"/track/vox", "/bus/*/dsp"});
    EXPECT_TRUE(scope.contains("/track/vox/pan"));
    EXPECT_TRUE(scope.contains("/bus/verb/dsp/size"));
    EXPECT_FALSE(scope.contains("/track/gtr/pan"));
    EXPECT_TRUE(SceneScope().contains("/anything")) << "no globs: everything";
}

TEST(RecallSafe, TheLastGlobSetThatMatchesDecides)
{
    RecallSafe safe;
    EXPECT_FALSE(safe.covers("/track/vox/gain"));
    safe.set("/track/vox", true);
    EXPECT_TRUE(safe.covers("/track/vox/gain"));
    EXPECT_TRUE(safe.covers("/track/vox/pan"));
    safe.set("/track/vox/gain", false);
    EXPECT_FALSE(safe.covers("/track/vox/gain")) << "the later, narrower word wins";
    EXPECT_TRUE(safe.covers("/track/vox/pan"));
    safe.set("/track/vox", true);
    EXPECT_TRUE(safe.covers("/track/vox/gain")) << "set again, it is the latest";
    ASSERT_EQ(safe.entries().size(), 2u) << "a glob set twice is listed once";
    safe.set("/track/vox", false);
    EXPECT_FALSE(safe.covers("/track/vox/pan"));
}
