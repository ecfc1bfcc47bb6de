// SPDX-License-Identifier: GPL-3.0-or-later
// The `connections:` list: auto-connect rules between JACK ports, backline's or anyone's
// ([control]).
#include "session/ConnectionReader.h"

#include "session/PortPattern.h"

#include <fmt/format.h>

#include <array>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 2> ruleKeys {"from", "to"};
constexpr const char* example = "[{from: \"system:capture_1\", to: \"backline:vox_in\"}, {from: \"^backline:out_\", to: "
                                "\"^darkice.*\"}]";

} // namespace

Result<void> readConnections(const YamlReader& yaml, const YamlEntry& entry, std::vector<ConnectionSpec>& connections)
{
    if (!entry.value.IsSequence())
        return yaml.errorAt(yaml.locate(entry),
            fmt::format("'connections' must be a list of rules like {}, got {}", example, YamlReader::describe(entry.value)));
    for (const auto& item : entry.value) {
        const std::size_t number = connections.size() + 1;
        const std::string context = fmt::format("in connection {}", number);
        if (!item.IsMap())
            return yaml.errorAt(yaml.locate(item),
                fmt::format("connection {} must be a map {{from: PORTS, to: PORTS}}, got {}", number,
                    YamlReader::describe(item)));
        auto fields = yaml.entries(item, context);
        if (!fields)
            return fields.error();
        if (auto known = yaml.checkKeys(*fields, ruleKeys, context); !known)
            return known;
        ConnectionSpec spec;
        spec.where = yaml.locate(item);
        for (const YamlEntry& field : *fields) {
            auto text = yaml.text(field);
            if (!text)
                return text.error();
            if (auto problem = portPatternProblem(*text); !problem.empty())
                return yaml.errorAt(yaml.locate(field),
                    fmt::format("'{}' in connection {} {}; a whole port name as jack_lsp prints it is taken as it is, "
                                "otherwise it is a POSIX extended regular expression ('.*' matches anything)",
                        *text, number, problem));
            (field.key == "from" ? spec.rule.from : spec.rule.to) = std::move(*text);
        }
        for (const auto& [side, value] : {std::pair {"from", &spec.rule.from}, std::pair {"to", &spec.rule.to}})
            if (value->empty())
                return yaml.errorAt(spec.where, fmt::format("connection {} has no '{}' (the {} ports)", number, side,
                                                    std::string_view(side) == "from" ? "output" : "input"));
        connections.push_back(std::move(spec));
    }
    return {};
}

} // namespace backline::session
