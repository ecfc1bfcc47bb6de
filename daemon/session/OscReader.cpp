// SPDX-License-Identifier: GPL-3.0-or-later
// The `osc:` map: the OSC server's port, who it answers and its rate limits ([control]).
#include "session/OscReader.h"

#include <fmt/format.h>

#include <array>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 6> oscKeys { "port", "allow", "client_rate", "reply_rate", "tcp_idle_timeout",
    "require_pin" };

Result<std::vector<AddressRange>> readAllow(const YamlReader& yaml, const YamlEntry& field)
{
    auto texts = yaml.textList(field, "an address or subnet", "[127.0.0.1, 192.168.0.0/16, ::1]");
    if (!texts)
        return texts.error();
    std::vector<AddressRange> allow;
    for (std::size_t i = 0; i < texts->size(); ++i) {
        std::string problem;
        auto range = AddressRange::parse((*texts)[i], &problem);
        if (!range)
            return yaml.errorAt(yaml.locate(field.value[i]), fmt::format("in 'osc.allow': {}", problem));
        allow.push_back(*range);
    }
    return allow;
}

} // namespace

Result<void> readOsc(const YamlReader& yaml, const YamlEntry& entry, OscSpec& osc)
{
    auto entries = yaml.mapEntries(entry, "in 'osc'");
    if (!entries)
        return entries.error();
    if (auto known = yaml.checkKeys(*entries, oscKeys, "in 'osc'"); !known)
        return known;
    for (const YamlEntry& field : *entries) {
        if (field.key == "port") {
            auto port = yaml.integer(field, 1, 65535);
            if (!port)
                return port.error();
            osc.port = *port;
        } else if (field.key == "allow") {
            auto allow = readAllow(yaml, field);
            if (!allow)
                return allow.error();
            osc.allow = std::move(*allow);
        } else if (field.key == "client_rate") {
            auto rate = yaml.number(field, {10.0, 1'000'000.0, "messages/s"});
            if (!rate)
                return rate.error();
            osc.clientRate = *rate;
        } else if (field.key == "reply_rate") {
            auto rate = yaml.number(field, {10'000.0, 1'000'000'000.0, "bytes/s"});
            if (!rate)
                return rate.error();
            osc.replyRate = *rate;
        } else if (field.key == "tcp_idle_timeout") {
            auto seconds = yaml.number(field, {1.0, 86'400.0, "s"});
            if (!seconds)
                return seconds.error();
            osc.tcpIdleTimeout = *seconds;
        } else if (field.key == "require_pin") {
            auto require = yaml.boolean(field);
            if (!require)
                return require.error();
            osc.requirePin = *require;
        }
    }
    return {};
}

} // namespace backline::session
