// SPDX-License-Identifier: GPL-3.0-or-later
// The OSCQuery namespace (https://github.com/Vidvox/OSCQueryProposal): a JSON tree of nodes,
// each with its FULL_PATH, containers with CONTENTS, methods with what a client needs to show
// and send to them.
#include "control/oscquery/OscQueryTree.h"

#include "control/web/HttpText.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace backline::control::oscquery {

using nlohmann::json;

namespace {

/// The attributes OSCQuery defines for a node: asked for one of these that a node has not, the
/// answer is 204; asked for anything else, 400.
constexpr std::array knownAttributes {"FULL_PATH", "CONTENTS", "TYPE", "ACCESS", "VALUE", "RANGE", "UNIT",
    "CLIPMODE", "DESCRIPTION", "TAGS", "EXTENDED_TYPE", "CRITICAL", "OVERLOADS", "HTML"};

/// The address split at '/', empty pieces dropped ("/track//a/" → track, a).
std::vector<std::string_view> segments(std::string_view address)
{
    std::vector<std::string_view> out;
    while (!address.empty()) {
        const auto slash = address.find('/');
        const auto piece = address.substr(0, slash);
        if (!piece.empty())
            out.push_back(piece);
        if (slash == std::string_view::npos)
            break;
        address.remove_prefix(slash + 1);
    }
    return out;
}

/// The node at address, made (with its containers) when missing.
json& nodeAt(json& root, std::string_view address)
{
    json* node = &root;
    std::string path;
    for (const auto piece : segments(address)) {
        path += '/';
        path += piece;
        json& contents = (*node)["CONTENTS"];
        if (!contents.is_object())
            contents = json::object();
        json& child = contents[std::string(piece)];
        if (!child.is_object())
            child = json {{"FULL_PATH", path}};
        node = &child;
    }
    return *node;
}

/// JSON text of value. Text from the network (an address, an attribute) or a session may be any
/// bytes: what is not UTF-8 is written as U+FFFD rather than thrown about (nlohmann's default,
/// which would end the web thread).
std::string jsonText(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string describe(const port::ParamInfo& info)
{
    std::string text = fmt::format("{}, default {:g}", port::toString(info.kind), info.init);
    if (!info.unit.empty())
        text += fmt::format(" {}", info.unit);
    if (info.step > 0.0f)
        text += fmt::format(", step {:g}", info.step);
    if (info.logScale)
        text += ", log scale";
    return text;
}

std::string describe(const OscRoute& route)
{
    std::string text(route.summary);
    text += fmt::format(". Arguments: {}", route.arguments);
    if (!route.replies.empty())
        text += fmt::format(". Replies: {}", route.replies);
    return text;
}

} // namespace

OscQueryTree::OscQueryTree(std::span<const port::ParamState> params, std::span<const OscRoute> routes)
    : root_ {{"FULL_PATH", "/"}, {"DESCRIPTION", "backline"}, {"CONTENTS", json::object()}}
{
    // Addresses that are not parameters first: a parameter's own fields win where one address
    // is both (none is today).
    for (const OscRoute& route : routes) {
        if (route.match != RouteMatch::Exact)
            continue; // the parameter families (/track/…): their members are listed below
        json& node = nodeAt(root_, route.address);
        node["ACCESS"] = 2; // sent to, never read: what it answers is a reply, not a value
        node["DESCRIPTION"] = describe(route);
    }
    for (const port::ParamState& p : params) {
        json& node = nodeAt(root_, p.info.address);
        node["TYPE"] = "f";
        node["ACCESS"] = 3;
        node["VALUE"] = json::array({p.value});
        node["RANGE"] = json::array({json {{"MIN", p.info.min}, {"MAX", p.info.max}}});
        // backline refuses a value out of range (an /error), never clips it silently: a client
        // told "both" keeps its controls inside.
        node["CLIPMODE"] = json::array({"both"});
        if (!p.info.unit.empty())
            node["UNIT"] = json::array({p.info.unit});
        node["DESCRIPTION"] = describe(p.info);
    }
}

const json* OscQueryTree::find(std::string_view path) const
{
    const json* node = &root_;
    for (const auto piece : segments(path)) {
        const auto contents = node->find("CONTENTS");
        if (contents == node->end())
            return nullptr;
        const auto child = contents->find(std::string(piece));
        if (child == contents->end())
            return nullptr;
        node = &*child;
    }
    return node;
}

json OscQueryTree::hostInfo(const HostInfo& host)
{
    return json {
        {"NAME", host.name},
        {"OSC_PORT", host.oscPort},
        {"OSC_TRANSPORT", "UDP"},
        {"WS_PORT", host.webPort},
        {"EXTENSIONS",
            {{"ACCESS", true}, {"VALUE", true}, {"RANGE", true}, {"DESCRIPTION", true}, {"UNIT", true},
                {"CLIPMODE", true}, {"TAGS", false}, {"CRITICAL", false}, {"LISTEN", host.listen},
                {"PATH_CHANGED", false}, {"PATH_ADDED", false}, {"PATH_REMOVED", false},
                {"PATH_RENAMED", false}}},
    };
}

QueryAnswer OscQueryTree::answer(std::string_view path, std::string_view query, const HostInfo& host) const
{
    const auto decoded = httptext::percentDecode(query);
    if (!decoded || decoded->find('\0') != std::string::npos)
        return {400, jsonText(json {{"ERROR", "a bad %-escape in the query"}})};
    const std::string& attribute = *decoded;
    if (attribute == "HOST_INFO")
        return {200, jsonText(hostInfo(host))};
    const json* node = find(path);
    if (!node)
        return {404, jsonText(json {{"ERROR", fmt::format("no node {}", path)}})};
    if (attribute.empty())
        return {200, jsonText(*node)};
    if (std::find(knownAttributes.begin(), knownAttributes.end(), attribute) == knownAttributes.end())
        return {400, jsonText(json {{"ERROR", fmt::format("OSCQuery has no attribute {}", attribute)}})};
    const auto it = node->find(attribute);
    if (it == node->end())
        return {204, {}};
    return {200, jsonText(json {{attribute, *it}})};
}

} // namespace backline::control::oscquery
