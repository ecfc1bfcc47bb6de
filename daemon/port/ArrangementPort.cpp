// SPDX-License-Identifier: GPL-3.0-or-later
// The arrangement port's words: when a jump lands.
#include "port/ArrangementPort.h"

#include <array>
#include <utility>

namespace backline::port {

namespace {

constexpr std::array<std::pair<JumpWhen, std::string_view>, 4> names {{
    {JumpWhen::Now, "now"},
    {JumpWhen::Beat, "beat"},
    {JumpWhen::Bar, "bar"},
    {JumpWhen::Section, "section"},
}};

} // namespace

std::string_view toString(JumpWhen when)
{
    for (const auto& [value, name] : names)
        if (value == when)
            return name;
    return "bar";
}

std::optional<JumpWhen> parseJumpWhen(std::string_view text)
{
    for (const auto& [value, name] : names)
        if (text == name)
            return value;
    return std::nullopt;
}

} // namespace backline::port
