// SPDX-License-Identifier: GPL-3.0-or-later
// The `web:` map: the web surface's port and its PIN, given or read from a file ([control]).
#include "session/WebReader.h"

#include "session/FileReference.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 4> webKeys { "port", "pin", "pin_file", "announce" };
constexpr std::size_t maxPinLength = 128;

/// Why pin cannot be a PIN, or empty when it can.
std::string pinProblem(const std::string& pin)
{
    if (pin.empty())
        return "the PIN is empty (remove the key for no PIN)";
    if (pin.size() > maxPinLength)
        return fmt::format("the PIN is longer than {} characters", maxPinLength);
    if (std::any_of(pin.begin(), pin.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        return "the PIN holds a control character (a tab, a line break?)";
    return {};
}

/// The PIN in file: its first line, without the line break and spaces around it.
Result<std::string> readPinFile(const YamlReader& yaml, const YamlEntry& field, const std::filesystem::path& folder)
{
    auto file = readExistingFile(yaml, field, folder, "web.pin_file");
    if (!file)
        return file.error();
    std::ifstream in(*file);
    std::string line;
    if (!in || !std::getline(in, line))
        return yaml.errorAt(yaml.locate(field),
            fmt::format("cannot read the PIN from '{}' (is it readable by the user backlined runs as, and not "
                        "empty?)",
                file->string()));
    const auto first = line.find_first_not_of(" \t\r");
    const auto last = line.find_last_not_of(" \t\r");
    return first == std::string::npos ? std::string() : line.substr(first, last - first + 1);
}

} // namespace

Result<void> readWeb(const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, WebSpec& web)
{
    auto entries = yaml.mapEntries(entry, "in 'web'");
    if (!entries)
        return entries.error();
    if (auto known = yaml.checkKeys(*entries, webKeys, "in 'web'"); !known)
        return known;
    const bool both = std::count_if(entries->begin(), entries->end(),
                          [](const YamlEntry& e) { return e.key == "pin" || e.key == "pin_file"; })
        > 1;
    for (const YamlEntry& field : *entries) {
        if (field.key == "announce") {
            auto announce = yaml.boolean(field);
            if (!announce)
                return announce.error();
            web.announce = *announce;
        } else if (field.key == "port") {
            auto port = yaml.integer(field, 1, 65535);
            if (!port)
                return port.error();
            web.port = *port;
        } else if (field.key == "pin" || field.key == "pin_file") {
            if (both)
                return yaml.errorAt(yaml.locate(field), "give 'web.pin' or 'web.pin_file', not both");
            Result<std::string> pin = field.key == "pin" ? yaml.text(field) : readPinFile(yaml, field, folder);
            if (!pin)
                return pin.error();
            if (const std::string problem = pinProblem(*pin); !problem.empty())
                return yaml.errorAt(yaml.locate(field), fmt::format("in 'web.{}': {}", field.key, problem));
            web.pin = std::move(*pin);
            if (field.key == "pin_file")
                web.pinFile = resolvePath(folder, *yaml.text(field));
        }
    }
    return {};
}

} // namespace backline::session
