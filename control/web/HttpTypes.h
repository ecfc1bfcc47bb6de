// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace backline::control {

/// An HTTP request as a hook sees it (no Beast types: a hook needs no Beast headers).
struct HttpAsk {
    std::string method; ///< "GET", "POST", …
    std::string path;   ///< the target's path, percent-decoded and checked ("/", "/osc/…")
    std::string query;  ///< what followed '?', as sent (not decoded); empty when none
    std::string accept; ///< the Accept header, empty when none
    std::string body;   ///< at most config::webMaxBodyBytes
};

/// A hook's answer.
struct HttpAnswer {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    /// More headers (name, value), e.g. Cache-Control.
    std::vector<std::pair<std::string, std::string>> headers;
};

/// [web] Asked for every request past the access list and the PIN, before the static files:
/// an answer ends the request, nullopt lets it go on (to the page's files). Runs on the web
/// thread: it must not block (OSCQuery answers from what it holds).
using HttpHook = std::function<std::optional<HttpAnswer>(const HttpAsk&)>;

} // namespace backline::control
