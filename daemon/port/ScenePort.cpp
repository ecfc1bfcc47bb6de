// SPDX-License-Identifier: GPL-3.0-or-later
// The scene port's words: when a recall lands, and what a scene may be called.
#include "port/ScenePort.h"

#include "core/TransportText.h"

#include <fmt/format.h>

#include <algorithm>

namespace backline::port {

std::string_view toString(RecallWhen when)
{
    return when.boundary ? transport::boundaryName(*when.boundary) : "now";
}

std::optional<RecallWhen> parseRecallWhen(std::string_view text)
{
    if (text == "now")
        return RecallWhen {};
    for (auto boundary : {transport::Boundary::Beat, transport::Boundary::Bar})
        if (text == transport::boundaryName(boundary))
            return RecallWhen {boundary};
    return std::nullopt;
}

std::string sceneNameProblem(std::string_view name)
{
    if (name.empty())
        return "a scene needs a name";
    if (name.size() > maxSceneNameBytes)
        return fmt::format("a scene's name is at most {} bytes, got {}", maxSceneNameBytes, name.size());
    if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        return "a scene's name must be a single line of printable text";
    return {};
}

} // namespace backline::port
