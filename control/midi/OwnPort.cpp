// SPDX-License-Identifier: GPL-3.0-or-later
// isOwnPort: which port names belong to our own RtMidi clients ([control]).
#include "control/midi/OwnPort.h"

#include <algorithm>
#include <cctype>

namespace backline::control::midi {

bool isOwnPort(std::string_view portName, std::string_view clientName) noexcept
{
    const std::size_t colon = portName.find(':');
    if (colon == std::string_view::npos || clientName.empty())
        return false;
    const std::string_view client = portName.substr(0, colon);
    if (client == clientName)
        return true;
    if (client.size() <= clientName.size() + 1 || client.substr(0, clientName.size()) != clientName
        || client[clientName.size()] != '-')
        return false;
    const std::string_view suffix = client.substr(clientName.size() + 1);
    return std::all_of(suffix.begin(), suffix.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

} // namespace backline::control::midi
