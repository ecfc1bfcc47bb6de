// SPDX-License-Identifier: GPL-3.0-or-later
// A built graph's nodes wired together (see NodeWiring.h).
#include "engine/NodeWiring.h"

#include "core/Config.h"

#include <fmt/format.h>

namespace backline::engine {

Result<void> wireNodes(Graph& graph)
{
    const std::size_t count = graph.tracks.size() + graph.buses.size() + 1;
    if (count > config::maxGraphNodes)
        return makeError(ErrorCode::Session,
            fmt::format("{} tracks and {} buses make {} nodes, more than the {} a graph may have", graph.tracks.size(),
                graph.buses.size(), count, config::maxGraphNodes));
    NodeOrder order;
    for (std::uint32_t t = 0; t < graph.tracks.size(); ++t) {
        graph.tracks[t].index = t;
        order.add(&graph.tracks[t]);
    }
    const auto busNode = [&](std::size_t b) { return std::uint32_t(graph.tracks.size() + b); };
    for (std::uint32_t b = 0; b < graph.buses.size(); ++b) {
        graph.buses[b].index = b;
        order.add(&graph.buses[b]);
    }
    const std::uint32_t master = order.add(&graph.masterNode);

    for (std::uint32_t b = 0; b < graph.buses.size(); ++b) {
        BusNode& bus = graph.buses[b];
        bus.feeds.clear();
        for (std::uint32_t t = 0; t < graph.tracks.size(); ++t) {
            const TrackNode& track = graph.tracks[t];
            for (std::uint32_t s = 0; s < track.sends.size(); ++s)
                if (track.sends[s].bus == b)
                    bus.feeds.push_back(Feed {Feed::Kind::Send, t, s});
            for (std::uint32_t r = 0; r < track.routes.size(); ++r)
                if (track.routes[r].destination == b)
                    bus.feeds.push_back(Feed {Feed::Kind::Route, t, r});
        }
        for (const Feed& feed : bus.feeds)
            order.connect(feed.from, busNode(b));
    }
    auto& feeds = graph.masterNode.feeds;
    feeds.clear();
    for (std::uint32_t t = 0; t < graph.tracks.size(); ++t) {
        const TrackNode& track = graph.tracks[t];
        for (std::uint32_t r = 0; r < track.routes.size(); ++r) {
            if (track.routes[r].destination == masterDestination) {
                feeds.push_back(Feed {Feed::Kind::Route, t, r});
                order.connect(t, master);
            }
        }
    }
    for (std::uint32_t b = 0; b < graph.buses.size(); ++b) {
        feeds.push_back(Feed {Feed::Kind::Bus, b, 0});
        order.connect(busNode(b), master);
    }
    if (auto r = order.finish(); !r)
        return r;
    graph.order = std::move(order);
    return {};
}

} // namespace backline::engine
