// SPDX-License-Identifier: GPL-3.0-or-later
// "Did you mean" is one rule (core/ClosestMatch.h): the session loader (an unknown YAML key)
// and OSC (an unknown parameter address, engine::ParamTable) suggest the same correction for
// the same misspelling among the same names.
#include "engine/ParamTable.h"
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using backline::engine::ParamInfo;
using backline::engine::ParamTable;
using backline::session::loadSessionText;

/// The error of a session whose track 'vox' has the key `key`.
std::string trackKeyError(const std::string& key)
{
    const auto result = loadSessionText("backline: 1\ntracks:\n  - name: vox\n    " + key + ": 1\n", "s.yaml");
    return result ? std::string("(loaded)") : result.error().message;
}

/// The x of "(did you mean 'x'?)" in message, or "(none)".
std::string suggestionIn(const std::string& message)
{
    const std::string open = "(did you mean '";
    const auto at = message.find(open);
    if (at == std::string::npos)
        return "(none)";
    const auto from = at + open.size();
    return message.substr(from, message.find("'?)", from) - from);
}

/// The keys a track may have, as the loader lists them when nothing is close.
std::vector<std::string> trackKeys()
{
    const std::string message = trackKeyError("zzzzzzzzzzzz");
    const std::string open = "(expected one of: ";
    const auto at = message.find(open);
    std::vector<std::string> keys;
    if (at == std::string::npos)
        return keys;
    std::string_view list(message);
    list = list.substr(at + open.size(), list.rfind(')') - at - open.size());
    while (!list.empty()) {
        const auto comma = list.find(", ");
        keys.emplace_back(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 2);
    }
    return keys;
}

TEST(SuggestionAgreement, OscAndTheSessionFileSuggestTheSameCorrection)
{
    const std::vector<std::string> keys = trackKeys();
    ASSERT_GE(keys.size(), 10u) << trackKeyError("zzzzzzzzzzzz");
    // OSC's table, its addresses the track's keys: the same names, the other surface.
    ParamTable table;
    for (const std::string& key : keys) {
        ParamInfo info;
        info.address = key;
        ASSERT_TRUE(table.add(info));
    }
    // Swapped letters, capitals, a letter short, too far: where the two used to disagree
    // ("GAIN", "Mtue": OSC suggested nothing) and where they never did.
    const std::vector<std::pair<std::string, std::string>> cases {{"gian", "gain"}, {"GAIN", "gain"},
        {"Mtue", "mute"}, {"dps", "dsp"}, {"snds", "sends"}, {"chanels", "channels"}, {"outptu", "output"},
        {"inptus", "inputs"}, {"vocies", "voices"}, {"timbre", "(none)"}, {"colour", "(none)"}};
    for (const auto& [word, expected] : cases) {
        const std::string yaml = suggestionIn(trackKeyError(word));
        const std::string osc = table.closest(word).empty() ? std::string("(none)") : table.closest(word);
        EXPECT_EQ(yaml, expected) << word << ": " << trackKeyError(word);
        EXPECT_EQ(osc, yaml) << word;
    }
}

} // namespace
