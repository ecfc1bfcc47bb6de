// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/web/OscQueryCommand.h"

#include "control/osc/OscWriter.h"

#include <nlohmann/json.hpp>

namespace backline::control {

std::optional<std::vector<std::uint8_t>> oscQueryCommandPacket(std::string_view text)
{
    // Parsed without exceptions: text from the network is anything.
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        return std::nullopt;
    const auto command = json.find("COMMAND");
    const auto data = json.find("DATA");
    if (command == json.end() || data == json.end() || !command->is_string() || !data->is_string())
        return std::nullopt;
    const std::string& name = command->get_ref<const std::string&>();
    const char* address = name == "LISTEN" ? "/listen" : name == "IGNORE" ? "/ignore" : nullptr;
    const std::string& path = data->get_ref<const std::string&>();
    if (!address || path.empty() || path.find('\0') != std::string::npos)
        return std::nullopt;
    OscWriter writer;
    const OscReply::Arg arg {path};
    writer.message(address, std::span(&arg, 1));
    return writer.bytes();
}

} // namespace backline::control
