// SPDX-License-Identifier: GPL-3.0-or-later
#include "RouteDocCheck.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>

namespace backline::test {

namespace {

/// The addresses named in text: the first word of each code span that starts with '/'.
std::vector<std::string> addressesIn(std::string_view text)
{
    static const std::regex span("`(/[^`\\s]+)[^`]*`");
    std::vector<std::string> out;
    const std::string s(text);
    for (auto it = std::sregex_iterator(s.begin(), s.end(), span); it != std::sregex_iterator(); ++it)
        out.push_back((*it)[1].str());
    return out;
}

std::vector<std::string> split(std::string_view text, char by)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i)
        if (i == text.size() || text[i] == by) {
            out.emplace_back(text.substr(start, i - start));
            start = i + 1;
        }
    return out;
}

std::string trim(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

/// "…" at the end: a family, matched by its start; otherwise the address as written.
bool matches(std::string_view pattern, std::string_view address)
{
    constexpr std::string_view ellipsis = "…";
    if (pattern.ends_with(ellipsis))
        return address.starts_with(pattern.substr(0, pattern.size() - ellipsis.size()));
    return pattern == address;
}

struct Page {
    std::vector<std::string> requests;  ///< first column of the address tables
    std::vector<std::string> tableRest; ///< every other table cell's addresses
    std::vector<std::string> all;       ///< every address on the page
};

Page read(std::string_view markdown)
{
    Page page;
    page.all = addressesIn(markdown);
    bool inTable = false;
    bool requestTable = false;
    for (const auto& line : split(markdown, '\n')) {
        const std::string row = trim(line);
        if (!row.starts_with("|")) {
            inTable = false;
            continue;
        }
        auto cells = split(row, '|');
        // "| a | b |" splits into "", " a ", " b ", "".
        cells.erase(cells.begin());
        if (!cells.empty() && trim(cells.back()).empty())
            cells.pop_back();
        if (cells.empty())
            continue;
        if (!inTable) {
            inTable = true;
            requestTable = trim(cells.front()) == "address";
            continue;
        }
        if (trim(cells.front()).starts_with("---"))
            continue;
        for (std::size_t i = 0; i < cells.size(); ++i)
            for (auto& address : addressesIn(cells[i]))
                (i == 0 && requestTable ? page.requests : page.tableRest).push_back(std::move(address));
    }
    return page;
}

} // namespace

std::vector<std::string> routeDocProblems(std::string_view markdown, std::span<const control::OscRoute> routes,
    std::span<const control::OscSentAddress> sent)
{
    const Page page = read(markdown);
    const control::RouteIndex index(routes);
    std::vector<std::string> problems;

    // Each route has its row.
    for (const auto& route : routes) {
        const bool listed = std::any_of(page.requests.begin(), page.requests.end(), [&](const std::string& a) {
            return route.match == control::RouteMatch::Exact ? a == route.address : a.starts_with(route.address);
        });
        if (!listed)
            problems.push_back(fmt::format("the route '{}{}' has no row in an address table", route.address,
                route.match == control::RouteMatch::Prefix ? "…" : ""));
    }
    // Each row has its route.
    for (const auto& address : page.requests)
        if (!index.find(address))
            problems.push_back(fmt::format("'{}' is documented in an address table but no route answers it", address));

    // What the server sends is named on the page, and what the tables name is sent.
    std::set<std::string> sentPatterns;
    for (const auto& route : routes)
        for (const auto& reply : split(route.replies, ' '))
            if (!reply.empty())
                sentPatterns.insert(reply);
    for (const auto& s : sent)
        sentPatterns.insert(std::string(s.address));
    for (const auto& pattern : sentPatterns) {
        const bool named = std::any_of(
            page.all.begin(), page.all.end(), [&](const std::string& a) { return matches(pattern, a); });
        if (!named)
            problems.push_back(fmt::format("the server sends '{}' but the page never names it", pattern));
    }
    for (const auto& address : page.tableRest) {
        const bool known = index.find(address)
            || std::any_of(sentPatterns.begin(), sentPatterns.end(),
                [&](const std::string& pattern) { return matches(pattern, address); });
        if (!known)
            problems.push_back(
                fmt::format("'{}' is named in a table but is neither a route nor sent by the server", address));
    }
    return problems;
}

} // namespace backline::test
