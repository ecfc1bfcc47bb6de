// SPDX-License-Identifier: GPL-3.0-or-later
// The `connections:` key: auto-connect rules {from, to}, each side a whole JACK port name or a
// regular expression; anything else refused at its file:line:column.
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using backline::session::loadSessionText;

std::string withConnections(const std::string& text) { return "backline: 1\ntracks: []\n" + text; }

TEST(ConnectionsKey, ReadsEachRuleInOrder)
{
    auto none = loadSessionText(withConnections(""), "demo.yaml");
    ASSERT_TRUE(none) << none.error().message;
    EXPECT_TRUE(none->connections.empty());
    auto said = loadSessionText(withConnections("connections:\n  - {from: \"system:capture_1\", to: \"backline:vox_in\"}\n"
                                                "  - from: \"^backline:out_\"\n    to: \"^darkice-[0-9]+:in\"\n"),
        "demo.yaml");
    ASSERT_TRUE(said) << said.error().message;
    ASSERT_EQ(said->connections.size(), 2u);
    EXPECT_EQ(said->connections[0].rule.from, "system:capture_1");
    EXPECT_EQ(said->connections[0].rule.to, "backline:vox_in");
    EXPECT_EQ(said->connections[1].rule.from, "^backline:out_");
    EXPECT_EQ(said->connections[1].rule.to, "^darkice-[0-9]+:in");
    EXPECT_EQ(said->connections[1].where.line, 5);
    auto empty = loadSessionText(withConnections("connections: []\n"), "demo.yaml");
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_TRUE(empty->connections.empty());
}

TEST(ConnectionsKey, BadRulesAreRefusedWhereTheyAre)
{
    struct Case {
        const char* text;
        const char* says;
    };
    for (const Case& c : {
             Case {"connections: system:capture_1\n", "'connections' must be a list of rules"},
             Case {"connections: {from: a, to: b}\n", "'connections' must be a list of rules"},
             Case {"connections:\n  - system:capture_1\n", "connection 1 must be a map {from: PORTS, to: PORTS}"},
             Case {"connections:\n  - {from: a}\n", "connection 1 has no 'to' (the input ports)"},
             Case {"connections:\n  - {to: b}\n", "connection 1 has no 'from' (the output ports)"},
             Case {"connections:\n  - {from: a, to: b, via: c}\n", "via"},
             Case {"connections:\n  - {from: a, to: \"[unclosed\"}\n", "is not a valid pattern"},
             Case {"connections:\n  - {from: \"\", to: b}\n", "'from'"},
             Case {"connections:\n  - {from: a, to: [b, c]}\n", "'to'"},
         }) {
        const auto result = loadSessionText(withConnections(c.text), "demo.yaml");
        ASSERT_FALSE(result) << c.text;
        EXPECT_TRUE(result.error().message.starts_with("demo.yaml:3:") || result.error().message.starts_with("demo.yaml:4:"))
            << c.text << ": " << result.error().message;
        EXPECT_NE(result.error().message.find(c.says), std::string::npos) << c.text << ": " << result.error().message;
    }
}

} // namespace
