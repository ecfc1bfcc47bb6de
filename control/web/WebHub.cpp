// SPDX-License-Identifier: GPL-3.0-or-later
// What the web server's connections share (web thread, but for the access list and hook).
#include "control/web/WebHub.h"

#include "control/web/HttpText.h"

namespace backline::control {

namespace {

StaticFiles filesFor(const WebServerOptions& options)
{
    if (options.root)
        return StaticFiles(*options.root);
    return StaticFiles(embeddedWebFiles());
}

} // namespace

WebHub::WebHub(WebServerOptions options, OscServer& osc)
    : options_(std::move(options))
    , osc_(osc)
    , files_(filesFor(options_))
    , tokens_(config::webMaxTokens)
{
    if (options_.pin)
        tokensGeneration_ = options_.pin->generation();
}

bool WebHub::allows(const sockaddr* peer) const
{
    std::lock_guard lock(mutex_);
    return options_.access.allows(peer);
}

void WebHub::setAccess(AccessList access)
{
    std::lock_guard lock(mutex_);
    options_.access = std::move(access);
}

void WebHub::setHook(HttpHook hook)
{
    std::lock_guard lock(mutex_);
    options_.hook = std::move(hook);
}

HttpHook WebHub::hook() const
{
    std::lock_guard lock(mutex_);
    return options_.hook;
}

void WebHub::followPin()
{
    if (!options_.pin)
        return;
    const std::uint64_t generation = options_.pin->generation();
    if (generation != tokensGeneration_) {
        tokens_.clear();
        tokensGeneration_ = generation;
    }
}

bool WebHub::cookieValid(std::string_view cookieHeader)
{
    if (!pinActive())
        return true;
    followPin();
    return tokens_.valid(httptext::cookie(cookieHeader, "backline_pin"));
}

std::string WebHub::issueToken()
{
    followPin();
    return tokens_.issue();
}

bool WebHub::admit(const PeerAddress& address)
{
    std::size_t& mine = perAddress_[address];
    if (mine >= options_.maxConnectionsPerAddress || open_ >= options_.maxConnections) {
        if (mine == 0)
            perAddress_.erase(address);
        return false;
    }
    ++mine;
    ++open_;
    connections.store(open_, std::memory_order_relaxed); // a statistic
    return true;
}

void WebHub::release(const PeerAddress& address)
{
    auto it = perAddress_.find(address);
    if (it != perAddress_.end() && --it->second == 0)
        perAddress_.erase(it);
    if (open_ > 0)
        --open_;
    connections.store(open_, std::memory_order_relaxed); // a statistic
}

} // namespace backline::control
