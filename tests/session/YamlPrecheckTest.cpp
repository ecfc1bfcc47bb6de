// SPDX-License-Identifier: GPL-3.0-or-later
// Texts yaml-cpp 0.7 would never return from (it allocates until memory runs out) are refused
// before it sees them: a ',' where YAML starts a token outside [ ] or { }, tags, complex keys
// and control characters (found by tests/fuzz; the inputs are in
// tests/fuzz/regressions/session/).
#include "session/YamlPrecheck.h"

#include "session/SessionLoader.h"

#include <gtest/gtest.h>

using backline::session::findControlCharacter;
using backline::session::findUnsafeToken;
using backline::session::UnsafeToken;

namespace {

/// "line:column" of the unsafe token in text, with "!" for a tag and "?" for a complex key.
std::string where(std::string_view text)
{
    const auto token = findUnsafeToken(text);
    if (!token)
        return "none";
    const char* kind = token->what == UnsafeToken::Tag ? "!" : token->what == UnsafeToken::ComplexKey ? "?" : "";
    return std::to_string(token->at.line) + ":" + std::to_string(token->at.column) + kind;
}

} // namespace

TEST(YamlPrecheck, FindsACommaWhereADocumentOrNodeBegins)
{
    EXPECT_EQ(where(",a"), "1:1");
    EXPECT_EQ(where("  ,a\n-\n"), "1:3");
    EXPECT_EQ(where("# comment\n,a"), "2:1");
    EXPECT_EQ(where("--- ,a"), "1:5");
    EXPECT_EQ(where("backline: 1\n---\n,a\n"), "3:1");
    EXPECT_EQ(where("%YAML 1.2\n---\n,a"), "3:1");
    EXPECT_EQ(where("&anchor ,a"), "1:9");
    EXPECT_EQ(where("&anchor\n  ,a"), "2:3");
    EXPECT_EQ(where("&anchor,a"), "1:8");
    EXPECT_EQ(where("&x a\n,b"), "2:1"); // after an anchor yaml-cpp ends the scalar at column 1
    EXPECT_EQ(where("- a\n,b"), "2:1");
    EXPECT_EQ(where("\xEF\xBB\xBF,a"), "1:1");
    // CR LF ends a line; a lone CR is an ordinary character to yaml-cpp, inside an anchor too.
    EXPECT_EQ(where("&ra\rx,"), "1:6");
    EXPECT_EQ(where("&ra\r\r\r\xff\xff,"), "1:9");
    EXPECT_EQ(where("&x a\r\n,b"), "2:1");
    EXPECT_EQ(where("--- \r\n,a"), "2:1");
    EXPECT_EQ(where("a: 1\r\nb: [1, 2]\r\nc: x, y\r\n"), "none");
    // Where a token would begin, '#' starts a comment even without a blank before it.
    EXPECT_EQ(where("[#}0, a: \"q}}\n!f,F]"), "2:1!");
    EXPECT_EQ(where("[#x\n,a]"), "none");
    EXPECT_EQ(where("{a: 1}#x\n,b"), "2:1");
    EXPECT_EQ(where("a: b#c, d"), "none"); // inside a plain scalar it is text
}

TEST(YamlPrecheck, FindsACommaAfterAQuotedScalarOrAFlowCollection)
{
    EXPECT_EQ(where("\"a\"\n,b"), "2:1");
    EXPECT_EQ(where("'it''s' ,b"), "1:9");
    EXPECT_EQ(where("[a] ,b"), "1:5");
    EXPECT_EQ(where("{a: 1}\n,b"), "2:1");
    EXPECT_EQ(where("gain: ,3"), "1:7");
    EXPECT_EQ(where("- ,a"), "1:3");
    // A quote inside a plain scalar opens nothing: the '}' closes the map.
    EXPECT_EQ(where("{a: b\" }, c"), "1:9");
    EXPECT_EQ(where("[a: b], c"), "1:7");
    // After a quoted scalar ':' is a value indicator even without a blank.
    EXPECT_EQ(where("\"`\":,?"), "1:5");
    // A plain scalar goes on in the next line inside [ ] (the quote there is text).
    EXPECT_EQ(where("[a\n\"b...],c"), "2:7");
    // A comment ends a plain scalar; a block scalar ends at a line indented less than its first.
    EXPECT_EQ(where("b #\n  ,"), "2:3");
    EXPECT_EQ(where("| #\n   >\n  ,a"), "3:3");
}

TEST(YamlPrecheck, FindsTagsAndComplexKeys)
{
    EXPECT_EQ(where("!!str ,a"), "1:1!");
    EXPECT_EQ(where("name: !!str 12"), "1:7!");
    EXPECT_EQ(where("? a\n: b"), "1:1?");
    EXPECT_EQ(where("tracks: [? a]"), "1:10?");
    EXPECT_EQ(where("name: Hey! What?"), "none"); // inside a plain scalar
    EXPECT_EQ(where("name: '!x'"), "none");
}

TEST(YamlPrecheck, LeavesCommasInScalarsCommentsAndFlowCollectionsAlone)
{
    EXPECT_EQ(where("name: verse, chorus\n"), "none");
    EXPECT_EQ(where("name: \"a,\n  ,b\"\n"), "none");
    EXPECT_EQ(where("name: 'a, '' ,b'\n"), "none");
    EXPECT_EQ(where("gain: -3 # was -6, then -4\n"), "none");
    EXPECT_EQ(where("inputs: [system:capture_1,\n  , system:capture_2]\n"), "none");
    EXPECT_EQ(where("params: {a: 1,\n  b: 2}\n"), "none");
    EXPECT_EQ(where("tracks: [{name: x, dsp: tone, params: {freq: 440}}]\n"), "none");
    EXPECT_EQ(where("a: [\"x, y\", 'it''s, z']\n"), "none");
    EXPECT_EQ(where("notes: |\n  , a line of text\n  ,another\nname: x\n"), "none");
    EXPECT_EQ(where("notes: >\n  ,folded\n"), "none");
    EXPECT_EQ(where("a\n,b"), "none"); // a document of one plain scalar goes on at any indentation
    EXPECT_EQ(where("name: x\n\"gain\": 1\n"), "none");
}

TEST(YamlPrecheck, TheLoaderRefusesAStrayCommaOrATagWithFileLineAndColumn)
{
    auto spec = backline::session::loadSessionText("backline: 1\ntracks: []\n\"a\"\n,b\n", "s.yaml");
    ASSERT_FALSE(spec);
    EXPECT_EQ(spec.error().message.rfind("s.yaml:4:1: YAML syntax error: ','", 0), 0u) << spec.error().message;
    auto tagged = backline::session::loadSessionText("backline: 1\ntracks: []\nname: !!str 7\n", "s.yaml");
    ASSERT_FALSE(tagged);
    EXPECT_EQ(tagged.error().message.rfind("s.yaml:3:7: YAML tags", 0), 0u) << tagged.error().message;
}

TEST(YamlPrecheck, FindsControlCharactersButNotTabsOrLineBreaks)
{
    EXPECT_FALSE(findControlCharacter("backline: 1\r\ntracks:\t[]\n"));
    const auto nul = findControlCharacter(std::string_view("a: 1\nb: \0", 10));
    ASSERT_TRUE(nul);
    EXPECT_EQ(nul->line, 2);
    EXPECT_EQ(nul->column, 4);
    EXPECT_TRUE(findControlCharacter("a: \x1b[31m"));
    EXPECT_TRUE(findControlCharacter("a: \x7f"));
    EXPECT_FALSE(findControlCharacter("name: caf\xC3\xA9")); // UTF-8 is text
}

TEST(YamlPrecheck, TheLoaderNamesTheControlCharacter)
{
    auto spec = backline::session::loadSessionText(std::string("backline: 1\ntracks: []\n\x07\n"), "s.yaml");
    ASSERT_FALSE(spec);
    EXPECT_EQ(spec.error().message.rfind("s.yaml:3:1: control character U+0007", 0), 0u) << spec.error().message;
}
