// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/oscquery/OscQueryHook.h"

namespace backline::control::oscquery {

namespace {

bool wantsPage(const HttpAsk& ask) { return ask.accept.find("text/html") != std::string::npos; }

} // namespace

OscQueryHook::OscQueryHook(const port::ParamPort& params, std::function<HostInfo()> host)
    : params_(params)
    , host_(std::move(host))
{
}

std::optional<HttpAnswer> OscQueryHook::operator()(const HttpAsk& ask) const
{
    if (ask.method != "GET" && ask.method != "HEAD")
        return std::nullopt;
    // The page's own files are never OSC addresses (none of the address space's top levels is
    // a file name), so only the root needs the Accept header to tell the two apart.
    if (ask.path == "/" && ask.query.empty() && wantsPage(ask))
        return std::nullopt;
    const bool hostInfo = ask.query == "HOST_INFO";
    const auto params = params_.all();
    const OscQueryTree tree(params, oscRoutes());
    if (!hostInfo && !tree.contains(ask.path))
        return std::nullopt;
    QueryAnswer answer = tree.answer(ask.path, ask.query, host_());
    HttpAnswer out;
    out.status = answer.status;
    out.contentType = "application/json";
    out.body = ask.method == "HEAD" ? std::string() : std::move(answer.body);
    // Values change all the time: a client asks again rather than trusting a cache.
    out.headers.emplace_back("Cache-Control", "no-store");
    return out;
}

} // namespace backline::control::oscquery
