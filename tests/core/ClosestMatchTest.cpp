// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ClosestMatch.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace {

using backline::closestMatch;

constexpr std::array<std::string_view, 7> keys {"gain", "pan", "mute", "solo", "sends", "output", "channels"};

std::string suggestionFor(std::string_view word)
{
    const auto near = closestMatch(word, keys);
    return near ? std::string(*near) : std::string("(none)");
}

TEST(ClosestMatch, ASwapOfNeighbouringLettersIsOneEdit)
{
    EXPECT_EQ(suggestionFor("gian"), "gain");
    EXPECT_EQ(suggestionFor("otuput"), "output");
}

TEST(ClosestMatch, CaseIsIgnored)
{
    EXPECT_EQ(suggestionFor("GAIN"), "gain");
    EXPECT_EQ(suggestionFor("Mtue"), "mute");
}

TEST(ClosestMatch, ShortWordsTolerateOneEditLongerOnesTwo)
{
    EXPECT_EQ(suggestionFor("mode"), "(none)"); // two from "mute", but four letters
    EXPECT_EQ(suggestionFor("snds"), "sends");
    EXPECT_EQ(suggestionFor("chanls"), "channels");
    EXPECT_EQ(suggestionFor("chnls"), "(none)"); // three from "channels"
}

TEST(ClosestMatch, SuggestsNothingFarOrFromNothing)
{
    EXPECT_EQ(suggestionFor("colour"), "(none)");
    EXPECT_FALSE(closestMatch("gain", std::vector<std::string_view> {}));
}

TEST(ClosestMatch, TheNearestWinsAndTheFirstOfEquals)
{
    const std::array<std::string_view, 3> names {"/track/vox/pan", "/track/vox/gain", "/track/vax/gain"};
    EXPECT_EQ(*closestMatch("/track/vox/gaim", names), "/track/vox/gain");
    EXPECT_EQ(*closestMatch("/track/vux/gain", names), "/track/vox/gain");
}

} // namespace
