// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC server's requests, on its thread: a packet past admission is parsed, each message
// goes to its route (OscRoutes.cpp) where the table says it runs, a bundle's parameter sets go
// to the BundleScheduler together, and the replies go back to the sender.
#include "control/osc/OscServer.h"

#include "control/osc/Timetag.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

namespace backline::control {

/// The sender's reply budget while one packet is answered: what is left after the replies
/// before (each message and its size field in the bundle), so a bundle of a thousand /state
/// gets pages, not 16 MB; and the bytes held back for it, counted once the packet is done.
class OscServer::PacketAllowance final : public ReplyAllowance {
public:
    PacketAllowance(OscServer& server, const Endpoint& endpoint, std::int64_t nowNs)
        : server_(server)
        , endpoint_(endpoint)
        , nowNs_(nowNs)
    {
    }

    std::size_t bytesLeft(const std::vector<OscReply>& out) override
    {
        for (; counted_ < out.size(); ++counted_)
            replyBytes_ += OscWriter::messageSize(out[counted_].address, out[counted_].args) + 4;
        const double available = server_.replyBytesAvailable(endpoint_, nowNs_);
        return available > double(replyBytes_) ? std::size_t(available) - replyBytes_ : 0;
    }

    void withheld(std::size_t bytes) override { withheld_ += bytes; }

    /// Counts what was held back.
    void settle()
    {
        if (withheld_ > 0)
            server_.noteRefusedBytes(endpoint_, std::exchange(withheld_, 0), nowNs_);
    }

private:
    OscServer& server_;
    const Endpoint& endpoint_;
    std::int64_t nowNs_;
    std::size_t replyBytes_ = 0;
    std::size_t counted_ = 0;
    std::size_t withheld_ = 0;
};

void OscServer::handlePacket(std::span<const std::uint8_t> bytes, const Endpoint& endpoint)
{
    const std::int64_t now = monotonicNowNs();
    // Source first, then the client's budget, and only then the bytes: a flood from a stranger
    // or an over-eager client costs a lookup, not a parse.
    if (!options_.access.allows(reinterpret_cast<const sockaddr*>(&endpoint.address))) {
        noteBlocked(endpoint, now);
        return;
    }
    std::string evicted;
    ClientState* client = clients_.touch(endpoint, now, &evicted);
    if (!client) {
        dropped_.fetch_add(1, std::memory_order_relaxed); // a statistic
        return;
    }
    if (!evicted.empty()) {
        evicted_.fetch_add(1, std::memory_order_relaxed); // a statistic
        evictedLog_.note(now, fmt::format("{} (for {})", evicted, client->name));
    }
    if (!client->limit.take(1.0, now)) {
        noteLimited(*client, 1, now);
        return;
    }
    OscInPacket packet = parsePacket(bytes);
    const std::size_t messages = std::max<std::size_t>(1, packet.messages.size());
    if (messages > 1 && !client->limit.take(double(messages - 1), now)) {
        noteLimited(*client, messages, now);
        return;
    }
    client->received += messages;
    received_.fetch_add(messages, std::memory_order_relaxed); // a statistic
    std::vector<OscReply> replies;
    if (packet.error) {
        replies.push_back(errorReply(packet.error->address, packet.error->message));
    } else {
        PacketAllowance allowance(*this, endpoint, now);
        // No exception may end the OSC thread: a failure is this packet's /error.
        try {
            ParamBatch batch;
            batch.timed = packet.bundle && packet.timetag != oscImmediately
                && secondsUntil(packet.timetag, std::chrono::system_clock::now()) > 0.0;
            for (auto& message : packet.messages) {
                // parsePacket's messages have as many arguments as type tags (liblo counts them).
                OscCall call {message.address, message.types, message.argv, message.argc, replies,
                    packet.bundle ? &batch : nullptr, &allowance, client, now, &heldNotes_};
                handleMessage(*client, message, call);
            }
            if (packet.bundle)
                applyBatch(endpoint, packet.timetag, batch, replies);
        } catch (const std::exception& e) {
            replies.push_back(errorReply(packet.messages.front().address, fmt::format("internal error: {}", e.what())));
        }
        allowance.settle();
    }
    const auto errors = std::count_if(replies.begin(), replies.end(), [](const OscReply& r) { return r.address == "/error"; });
    if (errors > 0) {
        errors_.fetch_add(std::uint64_t(errors), std::memory_order_relaxed); // a statistic
        if (spdlog::should_log(spdlog::level::debug))
            for (const auto& r : replies)
                if (r.address == "/error")
                    spdlog::debug("osc: {}: {}", client->name, std::get<std::string>(r.args[1]));
    }
    const Endpoint to = client->endpoint;
    sendReplies(to, std::move(replies));
    if (subscriptions_.snapshotsDue())
        service(now);
}

void OscServer::handleMessage(ClientState& client, OscInMessage& message, OscCall& call)
{
    if (!client.authenticated && message.address != "/ping" && message.address != "/auth"
        && requirePin_.load(std::memory_order_relaxed)) {
        call.out.push_back(errorReply(message.address,
            "this backline asks for its PIN first: send /auth s:<pin> (session key osc.require_pin)"));
        return;
    }
    const OscRoute* route = findRoute(message.address);
    if (!route) {
        call.out.push_back(unknownAddressReply(message.address));
        return;
    }
    switch (route->thread) {
    case RouteThread::Osc:
        dispatcher_.run(*route, call);
        return;
    case RouteThread::OscWithClient:
        if (argumentsAccepted(*route, call))
            (subscriptions_.*std::get<ClientHandler>(route->handler))(call);
        return;
    case RouteThread::Job:
        runLater(*route, client, message, call.out);
        return;
    }
}

void OscServer::runLater(const OscRoute& route, ClientState& client, OscInMessage& message,
    std::vector<OscReply>& replies)
{
    // The message (and the arguments argv points into) moves into the job.
    auto job = std::make_shared<OscInMessage>(std::move(message));
    const bool queued = jobs_.submit(client.endpoint, [this, &route, job] {
        std::vector<OscReply> out;
        OscCall call {job->address, job->types, job->argv, job->argc, out};
        dispatcher_.run(route, call);
        return out;
    });
    if (!queued)
        replies.push_back(errorReply(job->address,
            fmt::format("{} requests that take a while are already waiting; try again in a moment", JobRunner::capacity)));
}

void OscServer::applyBatch(const Endpoint& from, std::uint64_t timetag, ParamBatch& batch,
    std::vector<OscReply>& replies)
{
    if (batch.invalid > 0) {
        replies.push_back(errorReply("#bundle",
            fmt::format("bundle not applied: {} of its messages {} invalid (nothing in it changed)", batch.invalid,
                batch.invalid == 1 ? "is" : "are")));
        return;
    }
    if (batch.changes.empty() && batch.actions.empty())
        return;
    const double ahead = timetag == oscImmediately ? 0.0 : secondsUntil(timetag, std::chrono::system_clock::now());
    if (ahead > config::oscMaxScheduleAheadSeconds) {
        replies.push_back(errorReply("#bundle",
            fmt::format("bundle not applied: its time is {:.1f} s ahead, more than {:g} s (is the sender's clock set?)",
                ahead, config::oscMaxScheduleAheadSeconds)));
        return;
    }
    const std::int64_t now = monotonicNowNs();
    const std::int64_t due = ahead > 0.0 ? now + std::int64_t(ahead * 1e9) : 0;
    scheduler_.submit(std::move(batch.changes), std::move(batch.actions), due, from, now,
        [&](std::string_view address, const std::string& why) {
            replies.push_back(errorReply(std::string(address), address == "#bundle" ? "bundle not applied: " + why : why));
        });
}

} // namespace backline::control
