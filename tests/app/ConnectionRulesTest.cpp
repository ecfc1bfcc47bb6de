// SPDX-License-Identifier: GPL-3.0-or-later
// The auto-connect rules in force: the file's, edited live, under the reload rule.
#include "app/ConnectionRules.h"

#include <gtest/gtest.h>

using namespace backline;
using port::ConnectionRule;

TEST(ConnectionRules, AddAndRemoveEditTheFilesRulesAndCountAsChanges)
{
    app::ConnectionRules rules;
    rules.adoptFile({{"system:capture_1", "backline:vox_in"}});
    EXPECT_EQ(rules.rules(), (std::vector<ConnectionRule> {{"system:capture_1", "backline:vox_in"}}));
    const auto before = rules.revision();
    ASSERT_TRUE(rules.add({"^backline:out_", "^darkice"}));
    EXPECT_EQ(rules.rules().size(), 2u);
    EXPECT_NE(rules.revision(), before);
    ASSERT_TRUE(rules.remove({"system:capture_1", "backline:vox_in"}));
    EXPECT_EQ(rules.rules(), (std::vector<ConnectionRule> {{"^backline:out_", "^darkice"}}));
}

TEST(ConnectionRules, RefusesBadPatternsDuplicatesAndRulesThatAreNotThere)
{
    app::ConnectionRules rules;
    rules.adoptFile({{"a", "b"}});
    const auto before = rules.revision();
    auto duplicate = rules.add({"a", "b"});
    ASSERT_FALSE(duplicate);
    EXPECT_NE(duplicate.error().message.find("is there already"), std::string::npos);
    auto bad = rules.add({"a", "[unclosed"});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("'[unclosed' (to) is not a valid pattern"), std::string::npos)
        << bad.error().message;
    EXPECT_FALSE(rules.add({"", "b"}));
    auto missing = rules.remove({"x", "y"});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("there are: a → b"), std::string::npos) << missing.error().message;
    EXPECT_EQ(rules.revision(), before) << "nothing changed";
    EXPECT_EQ(rules.rules(), (std::vector<ConnectionRule> {{"a", "b"}}));
}

TEST(ConnectionRules, AReloadKeepsLiveEditsUnlessTheFileChangedItsRules)
{
    app::ConnectionRules rules;
    rules.adoptFile({{"a", "b"}});
    ASSERT_TRUE(rules.add({"c", "d"}));
    rules.adoptFile({{"a", "b"}}); // the file edited elsewhere: the live rules stay
    EXPECT_EQ(rules.rules(), (std::vector<ConnectionRule> {{"a", "b"}, {"c", "d"}}));
    rules.adoptFile({{"e", "f"}}); // the file's rules changed: they win
    EXPECT_EQ(rules.rules(), (std::vector<ConnectionRule> {{"e", "f"}}));
}
