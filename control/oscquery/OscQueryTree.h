// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/OscRoutes.h"
#include "port/Param.h"

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <string_view>

namespace backline::control::oscquery {

/// What HOST_INFO says about this server besides its extensions.
struct HostInfo {
    std::string name;      ///< "backline: <session>"
    int oscPort = 0;       ///< UDP (and TCP) port of the OSC server
    int webPort = 0;       ///< the HTTP port this is served on (its WebSocket is there too)
    bool listen = false;   ///< whether LISTEN/IGNORE over the WebSocket are answered
};

/// The answer to one OSCQuery HTTP request: a status and a JSON body (empty for 204).
struct QueryAnswer {
    int status = 200;
    std::string body;
};

/// backline's whole OSC address space as an OSCQuery namespace: every parameter (read and
/// write, with its type, range, unit and current value) and every address the server answers
/// that is not a parameter (write-only, described by its route's summary and arguments).
/// Built from a snapshot of the parameters on the thread that answers HTTP, never the audio
/// thread; a session's 7,000 parameters make a tree in a few milliseconds. [web]
class OscQueryTree {
public:
    OscQueryTree(std::span<const port::ParamState> params, std::span<const OscRoute> routes);

    /// The answer to GET `path` (percent-decoded already, as the web server hands it over)
    /// with query string `query` (without its '?', as sent): the node and all below it, one
    /// attribute of it (`?VALUE`, `?RANGE`, …), or `?HOST_INFO`. 404 for a path not in the
    /// tree, 400 for an attribute OSCQuery does not define, 204 for one this node has not (a
    /// container's VALUE).
    QueryAnswer answer(std::string_view path, std::string_view query, const HostInfo& host) const;

    /// Whether path (percent-decoded) names a node (a container or a method) of the tree.
    bool contains(std::string_view path) const { return find(path) != nullptr; }

    /// [any] The HOST_INFO object.
    static nlohmann::json hostInfo(const HostInfo& host);

private:
    const nlohmann::json* find(std::string_view path) const;

    nlohmann::json root_;
};

} // namespace backline::control::oscquery
