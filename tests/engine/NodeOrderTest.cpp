// SPDX-License-Identifier: GPL-3.0-or-later
// NodeOrder: a graph's nodes ordered so each runs after what it reads; a circle is refused.
#include "engine/NodeOrder.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>
#include <vector>

namespace {

using backline::engine::NodeOrder;
using backline::engine::NodeRun;
using backline::engine::NodeScratch;
using backline::engine::ProcessNode;

struct Idle final : ProcessNode {
    void process(const NodeRun&, const NodeScratch&) noexcept BACKLINE_NONBLOCKING override {}
};

std::vector<std::uint32_t> toVector(std::span<const std::uint32_t> s) { return {s.begin(), s.end()}; }

/// nodes added in order and connected by edges {from, to}.
NodeOrder orderOf(std::vector<Idle>& nodes, std::initializer_list<std::pair<std::uint32_t, std::uint32_t>> edges)
{
    NodeOrder order;
    for (auto& n : nodes)
        order.add(&n);
    for (auto [from, to] : edges)
        order.connect(from, to);
    return order;
}

TEST(NodeOrder, RunsEachNodeAfterWhatItReadsAndKeepsTheAddedOrderElsewhere)
{
    std::vector<Idle> nodes(6);
    // 5 → 0, 0 → 3, 1 → 3 (said twice, counted once), 3 → 4; 2 stands alone.
    NodeOrder order = orderOf(nodes, {{5, 0}, {0, 3}, {1, 3}, {1, 3}, {3, 4}});
    ASSERT_TRUE(order.finish());
    EXPECT_EQ(toVector(order.serial()), (std::vector<std::uint32_t> {1, 2, 5, 0, 3, 4}));
    EXPECT_EQ(toVector(order.roots()), (std::vector<std::uint32_t> {1, 2, 5}));
    EXPECT_EQ(order.waitsFor(3), 2u);
    EXPECT_EQ(toVector(order.readers(1)), (std::vector<std::uint32_t> {3}));
    EXPECT_EQ(order.depth(), 4u); // 5 → 0 → 3 → 4
    EXPECT_EQ(order.node(4), &nodes[4]);
}

TEST(NodeOrder, ACircleIsRefusedWithHowManyNodesCouldBeOrdered)
{
    std::vector<Idle> nodes(4);
    NodeOrder order = orderOf(nodes, {{0, 1}, {1, 2}, {2, 1}});
    const auto r = order.finish();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("in a circle (2 of 4 could be ordered)"), std::string::npos) << r.error().message;
}

TEST(NodeOrder, AnEmptyGraphHasNothingToRun)
{
    NodeOrder order;
    ASSERT_TRUE(order.finish());
    EXPECT_EQ(order.size(), 0u);
    EXPECT_TRUE(order.serial().empty());
    EXPECT_EQ(order.depth(), 0u);
}

} // namespace
