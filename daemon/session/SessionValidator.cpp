// SPDX-License-Identifier: GPL-3.0-or-later
// Cross-references within a read session: sends, outputs, record sources ([control]).
#include "session/SessionValidator.h"

#include "core/ClosestMatch.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

namespace backline::session {

namespace {

const BusSpec* findBus(const SessionSpec& session, const std::string& name)
{
    for (const auto& bus : session.buses)
        if (bus.name == name)
            return &bus;
    return nullptr;
}

/// The buses of one kind, for a message ("verb, delay", or "none").
std::string busNames(const SessionSpec& session, BusSpec::Kind kind)
{
    std::string names;
    for (const auto& bus : session.buses)
        if (bus.kind == kind)
            names += (names.empty() ? "" : ", ") + bus.name;
    return names.empty() ? std::string("none") : names;
}

Result<void> checkSends(const SessionSpec& session, const TrackSpec& track)
{
    for (const auto& send : track.sends) {
        const BusSpec* bus = findBus(session, send.bus);
        if (!bus)
            return send.where.error(fmt::format("track '{}' sends to unknown bus '{}' (aux buses: {})", track.name,
                send.bus, busNames(session, BusSpec::Kind::Aux)));
        if (bus->kind != BusSpec::Kind::Aux)
            return send.where.error(
                fmt::format("track '{}' sends to group bus '{}'; sends go to aux buses (route a whole track to a "
                            "group with 'output: {}')",
                    track.name, send.bus, send.bus));
    }
    for (std::size_t i = 0; i < track.sends.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (track.sends[i].bus == track.sends[j].bus)
                return track.sends[i].where.error(
                    fmt::format("track '{}' sends to bus '{}' twice", track.name, track.sends[i].bus));
    return {};
}

Result<void> checkOutput(const SessionSpec& session, const TrackSpec& track)
{
    if (track.output.empty() || track.output == "master")
        return {};
    const BusSpec* bus = findBus(session, track.output);
    if (!bus)
        return track.outputWhere.error(fmt::format("track '{}' outputs to unknown bus '{}' (group buses: {}; or 'master')",
            track.name, track.output, busNames(session, BusSpec::Kind::Group)));
    if (bus->kind != BusSpec::Kind::Group)
        return track.outputWhere.error(
            fmt::format("track '{}' outputs to aux bus '{}'; a track outputs to 'master' or a group bus (feed "
                        "aux buses with 'sends')",
                track.name, track.output));
    return {};
}

Result<void> checkRecordSources(const SessionSpec& session)
{
    if (!session.record)
        return {};
    std::vector<std::string> known {"master", "track/*/input", "track/*/post"};
    for (const auto& track : session.tracks) {
        known.push_back("track/" + track.name + "/input");
        known.push_back("track/" + track.name + "/post");
    }
    for (const auto& bus : session.buses)
        known.push_back("bus/" + bus.name);
    const auto& sources = session.record->sources;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const auto& source = sources[i];
        if (std::find(known.begin(), known.end(), source.id) == known.end()) {
            const std::vector<std::string_view> names(known.begin(), known.end());
            const auto near = closestMatch(source.id, names);
            return source.where.error(fmt::format("record source '{}' names no track or bus{}", source.id,
                !near ? std::string(" (sources look like track/<name>/input, track/<name>/post, bus/<name>, master)")
                      : fmt::format(" (did you mean '{}'?)", *near)));
        }
        for (std::size_t j = 0; j < i; ++j)
            if (sources[j].id == source.id)
                return source.where.error(fmt::format("record source '{}' is listed twice", source.id));
    }
    return {};
}

} // namespace

Result<void> validateSession(const SessionSpec& session)
{
    for (const auto& track : session.tracks) {
        if (auto sends = checkSends(session, track); !sends)
            return sends;
        if (auto output = checkOutput(session, track); !output)
            return output;
    }
    return checkRecordSources(session);
}

} // namespace backline::session
