// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/OscServer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace backline::control {

namespace {

// liblo reports socket and parse errors here; a bad packet from the network is logged and
// dropped, never fatal.
void onLoError(int number, const char* message, const char* where)
{
    spdlog::warn("osc: {} ({}){}{}", message ? message : "error", number, where ? " at " : "", where ? where : "");
}

lo_message toMessage(const OscReply& reply)
{
    lo_message m = lo_message_new();
    for (const auto& arg : reply.args) {
        if (const int* i = std::get_if<int>(&arg))
            lo_message_add_int32(m, *i);
        else if (const float* f = std::get_if<float>(&arg))
            lo_message_add_float(m, *f);
        else
            lo_message_add_string(m, std::get<std::string>(arg).c_str());
    }
    return m;
}

} // namespace

OscServer::OscServer(lo_server_thread thread, ControlTarget& target)
    : thread_(thread)
    , dispatcher_(target)
    , port_(lo_server_thread_get_port(thread))
{
}

Result<std::unique_ptr<OscServer>> OscServer::start(int port, ControlTarget& target)
{
    const std::string service = port > 0 ? std::to_string(port) : std::string();
    lo_server_thread thread = lo_server_thread_new_with_proto(service.empty() ? nullptr : service.c_str(), LO_UDP, onLoError);
    if (!thread)
        return makeError(ErrorCode::Osc,
            fmt::format("cannot listen for OSC on UDP port {}: is another backlined (or another program) using it? "
                        "Choose another with --osc-port",
                port));
    std::unique_ptr<OscServer> server(new OscServer(thread, target));
    lo_server_thread_add_method(thread, nullptr, nullptr, &OscServer::onMessage, server.get());
    if (lo_server_thread_start(thread) != 0)
        return makeError(ErrorCode::Osc, "cannot start the OSC server thread");
    spdlog::info("OSC listening on UDP port {}", server->port_);
    return server;
}

OscServer::~OscServer()
{
    lo_server_thread_stop(thread_);
    lo_server_thread_free(thread_);
}

void OscServer::noteClient(lo_address source, const char* path)
{
    if (!source)
        return;
    std::string client = fmt::format("{}:{}", lo_address_get_hostname(source), lo_address_get_port(source));
    if (knownClients_.count(client))
        return;
    // Bounded: a scan of many source ports must not grow this without limit.
    if (knownClients_.size() >= 4096)
        knownClients_.clear();
    spdlog::info("OSC client {} says hello (first message: {})", client, path ? path : "");
    knownClients_.insert(std::move(client));
}

int OscServer::onMessage(const char* path, const char* types, lo_arg** argv, int argc, lo_message msg, void* self)
{
    auto& server = *static_cast<OscServer*>(self);
    server.received_.fetch_add(1, std::memory_order_relaxed); // a statistic
    std::vector<OscReply> replies;
    // No exception may cross liblo's C callback.
    try {
        server.dispatcher_.dispatch(path ? path : "", types ? types : "", argv, argc, replies);
    } catch (const std::exception& e) {
        replies.push_back(errorReply(path ? path : "", fmt::format("internal error: {}", e.what())));
    }
    lo_address source = lo_message_get_source(msg);
    server.noteClient(source, path);
    lo_server server_ = lo_server_thread_get_server(server.thread_);
    for (const auto& reply : replies) {
        if (reply.address == "/error") {
            server.rejected_.fetch_add(1, std::memory_order_relaxed); // a statistic
            spdlog::debug("osc: {} rejected: {}", path ? path : "", std::get<std::string>(reply.args[1]));
        }
        if (!source)
            continue;
        lo_message m = toMessage(reply);
        lo_send_message_from(source, server_, reply.address.c_str(), m);
        lo_message_free(m);
    }
    return 0;
}

} // namespace backline::control
