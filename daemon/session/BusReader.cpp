// SPDX-License-Identifier: GPL-3.0-or-later
// The `buses:` list: each bus's own keys ([control]).
#include "session/BusReader.h"

#include "core/Config.h"
#include "session/ChannelReader.h"

#include <fmt/format.h>

#include <array>
#include <limits>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 10> busKeys { "name", "kind", "dsp", "params", "gain", "pan", "mute", "solo",
    "solo_safe", "sleep" };

constexpr ChannelKind busKind {
    .noun = "bus",
    .list = "buses",
    .example = "verb",
    .emptyHint = "",
    .paramsHint = "",
    .keys = busKeys,
    .most = config::maxBuses,
};

/// Reads one of the bus's own keys (not one ChannelReader reads) into bus.
Result<void> readBusKey(const YamlReader& yaml, const YamlEntry& entry, BusSpec& bus)
{
    if (entry.key == "kind") {
        auto kind = yaml.text(entry);
        if (!kind)
            return kind.error();
        if (*kind == "aux")
            bus.kind = BusSpec::Kind::Aux;
        else if (*kind == "group")
            bus.kind = BusSpec::Kind::Group;
        else
            return yaml.errorAt(yaml.locate(entry),
                fmt::format("'kind' must be 'aux' (fed by sends) or 'group' (fed by tracks' output), got '{}'", *kind));
    } else if (entry.key == "solo_safe") {
        auto safe = yaml.boolean(entry);
        if (!safe)
            return safe.error();
        bus.soloSafe = *safe;
    } else if (entry.key == "sleep") {
        // `never` for a DSP that may sound again on its own after a long silence (a looper).
        if (entry.value.IsScalar() && entry.value.Scalar() == "never") {
            bus.sleepSeconds = std::numeric_limits<double>::infinity();
            return {};
        }
        auto seconds = yaml.number(entry, {0.1, config::maxBusSleepSeconds, "s"});
        if (!seconds)
            return yaml.errorAt(yaml.locate(entry),
                fmt::format("'sleep' must be the seconds of silence after which the bus's DSP stops (0.1 … {:g}) or "
                            "'never', got '{}'",
                    config::maxBusSleepSeconds, entry.value.IsScalar() ? entry.value.Scalar() : "a list or map"));
        bus.sleepSeconds = *seconds;
    }
    return {};
}

Result<ReadChannel<BusSpec>> readBus(
    const YamlReader& yaml, const YAML::Node& node, std::size_t number, const std::filesystem::path& folder)
{
    ChannelReader reader(yaml, folder, busKind, number);
    ReadChannel<BusSpec> read;
    BusSpec& bus = read.spec;
    auto nameAt = reader.read(node, bus, [&](const YamlEntry& entry) { return readBusKey(yaml, entry, bus); });
    if (!nameAt)
        return nameAt.error();
    // A bus is found by its name: messages about it point there.
    bus.where = read.nameAt = *nameAt;
    if (auto params = reader.requireDspForParams(bus); !params)
        return params.error();
    return read;
}

} // namespace

Result<void> readBuses(
    const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, std::vector<BusSpec>& buses)
{
    return readChannelList(yaml, entry, busKind, buses,
        [&](const YAML::Node& node, std::size_t number) { return readBus(yaml, node, number, folder); });
}

} // namespace backline::session
