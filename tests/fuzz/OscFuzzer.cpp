// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC harness: bytes → the server's packet parser (parsePacket, and StreamDecoder for TCP)
// → OscDispatcher (bundles batched, as OscServer::handlePacket does) → an engine-backed target;
// and the same bytes as a UDP datagram to a running OscServer, which adds what lives inside the
// server: the per-client addresses (/subscribe, /meters/subscribe, /snapshot, …), feedback,
// snapshots, the slow requests, and the server's admission (a small client table, throwaway
// ports) and reply budget. (Its target's reload holds a lock while it waits for room in the
// command queue that only a render under the same lock empties: safe while no input can queue
// the 8,192 commands it holds between two renders.)
#include "EngineTarget.h"
#include "FuzzHarnesses.h"
#include "FuzzInput.h"

#include "control/osc/OscDispatcher.h"
#include "control/osc/OscPacket.h"
#include "control/osc/OscServer.h"
#include "control/osc/OscWriter.h"
#include "control/osc/StreamFraming.h"

#include <lo/lo.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace backline::fuzz {

namespace {

[[noreturn]] void fail(const std::string& why)
{
    std::fprintf(stderr, "fuzzOsc: %s\n", why.c_str());
    std::abort();
}

/// Every fixed address control/OSC.md documents (those without a <placeholder>): a new handler
/// is fuzzed as soon as it is documented.
std::vector<std::string> documentedAddresses()
{
    std::ifstream in(BACKLINE_SOURCE_DIR "/control/OSC.md");
    std::stringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    std::set<std::string> found;
    const std::regex address("`(/[A-Za-z0-9_/.-]+)`");
    for (auto it = std::sregex_iterator(doc.begin(), doc.end(), address); it != std::sregex_iterator(); ++it)
        found.insert((*it)[1].str());
    found.insert("/ping");
    return {found.begin(), found.end()};
}

/// A UDP socket bound to local (a loopback address), sending to the server's port.
int loopbackSocket(const char* local, int port)
{
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in from {};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, local, &from.sin_addr);
    sockaddr_in to {};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(std::uint16_t(port));
    if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0
        || ::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0)
        fail(std::string("cannot reach the OSC server over loopback from ") + local);
    return fd;
}

/// A real OscServer on a loopback port, over its own engine-backed target (the server's threads
/// call it), with the server's own limits but a small client table. Each input goes to it as
/// one datagram from the fuzzer's client at 127.0.0.1, or (one input in eight) from a throwaway
/// port, as a flood would; then a numbered address of its own goes from a client at 127.0.0.2
/// (another address: the input's replies cannot spend its reply budget), whose /error says
/// the server handled the input and is still serving (the server reads datagrams in order).
class LiveServer {
public:
    /// Stops the server's thread (at exit, before the libraries' globals it logs through go).
    void stop() { server_.reset(); }

    LiveServer()
        : target_(BACKLINE_FUZZ_DIR "/osc-session.yaml")
    {
        control::OscServerOptions options;
        options.port = 0;
        options.clientRate = options.clientBurst = 1e9; // the fuzzer is one client, and fast
        // Room for a few clients only: throwaway ports make room for each other all the time.
        options.clients.capacity = 16;
        options.clients.perAddress = 8;
        auto server = control::OscServer::start(std::move(options), target_);
        if (!server)
            fail("cannot start the OSC server: " + server.error().message);
        server_ = std::move(server.value());
        fd_ = loopbackSocket("127.0.0.1", server_->port());
        syncFd_ = loopbackSocket("127.0.0.2", server_->port());
    }

    void deliver(std::span<const std::uint8_t> bytes)
    {
        if (bytes.empty() || bytes.size() > 65000)
            return; // not a datagram
        if ((bytes[0] ^ bytes.size()) % 8 == 7) {
            const int shot = loopbackSocket("127.0.0.1", server_->port());
            (void)::send(shot, bytes.data(), bytes.size(), 0);
            ::close(shot);
        } else {
            (void)::send(fd_, bytes.data(), bytes.size(), 0);
        }
        // Then the sync, numbered: its /error reply (which names it) says the server has
        // handled the input before it. The sync's reply can still be lost (the kernel drops
        // datagrams when its socket or the server's is full): so a sync that goes unanswered
        // is sent again, and only a server that answers none is a failure.
        for (int attempt = 0;; ++attempt) {
            if (attempt == 5)
                fail("the OSC server stopped answering after an input");
            if (sync(2000))
                break;
            std::fprintf(stderr, "fuzzOsc: a sync went unanswered (replies dropped?); sending another\n");
        }
        // Its engine is rendered by this thread, as by an audio thread: queued changes land.
        if (!target_.renderBlock())
            fail("the live server's engine rendered a NaN or infinite sample");
        // What the input's own client got (answers, feedback, meters) is read and let go.
        std::uint8_t reply[65536];
        while (::recv(fd_, reply, sizeof reply, MSG_DONTWAIT) > 0) {
        }
    }

private:
    /// Sends the next sync address and reads everything up to its reply; false when none came
    /// within timeoutMs.
    bool sync(int timeoutMs)
    {
        const std::string token = "/fuzz-sync/" + std::to_string(++sent_);
        std::vector<std::uint8_t> message(token.begin(), token.end());
        message.resize((message.size() / 4 + 1) * 4, 0);
        message.insert(message.end(), {',', 0, 0, 0});
        (void)::send(syncFd_, message.data(), message.size(), 0);
        std::vector<std::uint8_t> reply(65536);
        for (;;) {
            pollfd p {syncFd_, POLLIN, 0};
            if (::poll(&p, 1, timeoutMs) != 1)
                return false;
            const ssize_t n = ::recv(syncFd_, reply.data(), reply.size(), 0);
            // With its NUL: "/fuzz-sync/1" must not match "/fuzz-sync/10".
            if (n > 0
                && std::search(reply.begin(), reply.begin() + n, token.c_str(), token.c_str() + token.size() + 1)
                    != reply.begin() + n)
                return true;
        }
    }

    EngineTarget target_;
    std::unique_ptr<control::OscServer> server_;
    int fd_ = -1;
    int syncFd_ = -1;
    std::uint64_t sent_ = 0;
};

/// The server side of the harness: what OscServer::handlePacket does with a packet once it is
/// past the access list and the rate limit, in process (so a failure points at the packet),
/// then the same packet to the live server for the per-client addresses.
class Harness {
public:
    /// Stops the live server's thread.
    void stop() { live_.stop(); }

    Harness()
        : target_(BACKLINE_FUZZ_DIR "/osc-session.yaml")
        , dispatcher_(target_)
        , documented_(documentedAddresses())
    {
    }

    /// One UDP datagram or TCP frame.
    void deliver(std::span<const std::uint8_t> bytes)
    {
        control::OscInPacket packet = control::parsePacket(bytes);
        std::vector<control::OscReply> replies;
        if (packet.error) {
            if (packet.error->message.empty() || !packet.messages.empty())
                fail("a refused packet without a reason, or with messages");
            replies.push_back(control::errorReply(packet.error->address, packet.error->message));
        } else {
            control::ParamBatch batch;
            for (const auto& message : packet.messages)
                dispatcher_.dispatch(message.address, message.types, message.argv, message.argc, replies,
                    packet.bundle ? &batch : nullptr);
            if (packet.bundle && batch.invalid == 0 && !batch.changes.empty()) {
                // The server schedules a future bundle for the block its time falls in; here the
                // timetag's low bits pick a frame up to ~1.4 s ahead.
                const std::uint64_t at = packet.timetag == control::oscImmediately
                    ? 0
                    : target_.frame() + (packet.timetag & 0xffff);
                if (auto r = target_.params().setBatch(batch.changes, at); !r)
                    replies.push_back(control::errorReply("#bundle", "bundle not applied: " + r.error().message));
            }
        }
        for (const auto& reply : replies) {
            if (reply.address == "/error"
                && (reply.args.size() != 2 || !std::holds_alternative<std::string>(reply.args[1])
                    || std::get<std::string>(reply.args[1]).empty()))
                fail("an /error reply without a message");
            control::OscWriter writer;
            writer.message(reply);
        }
        if (!target_.renderBlock())
            fail("the engine rendered a NaN or infinite sample");
        live_.deliver(bytes);
    }

    /// A TCP stream cut in two reads at split: every packet it frames is delivered.
    void deliverStream(std::span<const std::uint8_t> stream, std::size_t split)
    {
        control::StreamDecoder decoder;
        std::vector<std::vector<std::uint8_t>> packets;
        split = std::min(split, stream.size());
        if (decoder.feed(stream.first(split), packets, maxPacket))
            decoder.feed(stream.subspan(split), packets, maxPacket);
        for (const auto& packet : packets) {
            if (packet.size() > maxPacket)
                fail("the stream decoder let a packet past its size limit");
            deliver(packet);
        }
    }

    /// An address from the running parameter table or from OSC.md, sometimes with one
    /// character changed; with the parameter's description when it has one.
    std::string pickAddress(FuzzInput& in, const port::ParamState** param)
    {
        if (paramsGeneration_ != target_.generation()) {
            params_ = target_.params().all();
            paramsGeneration_ = target_.generation();
        }
        const std::size_t count = params_.size() + documented_.size();
        const std::size_t pick = (std::size_t(in.byte()) << 8 | in.byte()) % count;
        *param = pick < params_.size() ? &params_[pick] : nullptr;
        std::string address = *param ? (*param)->info.address : documented_[pick - params_.size()];
        if (const std::uint8_t edit = in.byte(); edit & 0x80 && !address.empty()) {
            const std::size_t at = in.byte() % (address.size() + 1);
            const char c = char(in.byte() | 1); // never NUL
            if (edit & 0x40)
                address.insert(at, 1, c);
            else if (at < address.size())
                address[at] = c;
            else
                address.pop_back();
        }
        return address;
    }

    /// A number a parameter check should care about: its limits, a hair outside them, its
    /// default, or none of the sort (NaN, infinities, huge, tiny).
    static double edgeValue(FuzzInput& in, const port::ParamState* param)
    {
        const double min = param ? param->info.min : 0.0;
        const double max = param ? param->info.max : 1.0;
        const double init = param ? param->info.init : 0.5;
        const double values[] = {min, max, init, std::nextafter(min, -INFINITY), std::nextafter(max, INFINITY),
            (min + max) / 2, 0.0, -0.0, 1.0, -1.0, std::nan(""), INFINITY, -INFINITY, DBL_MAX, -DBL_MAX, FLT_MAX,
            FLT_MIN / 2, 1e-300, double(std::numeric_limits<float>::denorm_min())};
        return values[in.byte() % std::size(values)];
    }

    /// Appends one argument of a fuzzed type to m.
    static void addArgument(FuzzInput& in, lo_message m, const port::ParamState* param)
    {
        switch (in.byte() % 16) {
        case 0: lo_message_add_int32(m, in.value<std::int32_t>()); break;
        case 1: lo_message_add_float(m, in.value<float>()); break;
        case 2: lo_message_add_double(m, in.value<double>()); break;
        case 3: lo_message_add_int64(m, in.value<std::int64_t>()); break;
        case 4: lo_message_add_string(m, in.text(40).c_str()); break;
        case 5: lo_message_add_symbol(m, in.text(40).c_str()); break;
        case 6: lo_message_add_true(m); break;
        case 7: lo_message_add_false(m); break;
        case 8: lo_message_add_nil(m); break;
        case 9: lo_message_add_infinitum(m); break;
        case 10: lo_message_add_char(m, char(in.byte())); break;
        case 11: {
            std::uint8_t midi[4] = {in.byte(), in.byte(), in.byte(), in.byte()};
            lo_message_add_midi(m, midi);
            break;
        }
        case 12: lo_message_add_timetag(m, lo_timetag {in.value<std::uint32_t>(), in.value<std::uint32_t>()}); break;
        case 13: {
            const std::string bytes = in.text(64);
            // liblo makes no empty blob (lo_blob_new returns null for 0 bytes).
            if (lo_blob blob = lo_blob_new(std::int32_t(bytes.size()), bytes.data())) {
                lo_message_add_blob(m, blob);
                lo_blob_free(blob);
            }
            break;
        }
        case 14: lo_message_add_float(m, float(edgeValue(in, param))); break;
        default: lo_message_add_double(m, edgeValue(in, param)); break;
        }
    }

    /// A message from the input's next bytes; the caller owns it.
    lo_message makeMessage(FuzzInput& in, std::string& address)
    {
        const port::ParamState* param = nullptr;
        address = pickAddress(in, &param);
        lo_message m = lo_message_new();
        // Mostly zero or one argument, the arities the address space uses.
        const int argc = in.byte() % 8 < 6 ? in.byte() % 2 : in.byte() % 6;
        for (int i = 0; i < argc; ++i)
            addArgument(in, m, param);
        return m;
    }

    std::vector<std::uint8_t> message(FuzzInput& in)
    {
        std::string address;
        lo_message m = makeMessage(in, address);
        std::vector<std::uint8_t> packet = serialise(lo_message_serialise(m, address.c_str(), nullptr, nullptr),
            lo_message_length(m, address.c_str()));
        lo_message_free(m);
        return packet;
    }

    std::vector<std::uint8_t> bundle(FuzzInput& in)
    {
        lo_bundle b = lo_bundle_new(lo_timetag {0, 1}); // "immediately" (LO_TT_IMMEDIATE is C99)
        const int count = 1 + in.byte() % 6;
        std::vector<std::string> addresses(static_cast<std::size_t>(count));
        for (int i = 0; i < count; ++i) {
            lo_message m = makeMessage(in, addresses[std::size_t(i)]);
            lo_bundle_add_message(b, addresses[std::size_t(i)].c_str(), m);
        }
        std::vector<std::uint8_t> packet = serialise(lo_bundle_serialise(b, nullptr, nullptr), lo_bundle_length(b));
        lo_bundle_free_recursive(b);
        return packet;
    }

private:
    static constexpr std::size_t maxPacket = 65536;

    static std::vector<std::uint8_t> serialise(void* bytes, std::size_t size)
    {
        std::vector<std::uint8_t> out;
        if (bytes)
            out.assign(static_cast<std::uint8_t*>(bytes), static_cast<std::uint8_t*>(bytes) + size);
        std::free(bytes);
        return out;
    }

    EngineTarget target_;
    control::OscDispatcher dispatcher_;
    LiveServer live_;
    std::vector<std::string> documented_;
    std::vector<port::ParamState> params_;
    std::uint64_t paramsGeneration_ = ~std::uint64_t(0);
};

} // namespace

int fuzzOsc(const std::uint8_t* data, std::size_t size)
{
    // Built once per process (a Faust compile may be part of it); libFuzzer never tears down.
    static Harness& harness = *new Harness;
    // libFuzzer ends with exit(): the live server's thread must be gone before the static
    // destructors free spdlog's logger under it (a heap-use-after-free, seen in CI's fuzz stage).
    static const bool stopsAtExit = [] { return std::atexit([] { harness.stop(); }) == 0; }();
    (void)stopsAtExit;
    FuzzInput in(data, size);
    switch (in.byte() % 6) {
    case 0:
    case 1:
        harness.deliver({in.rest(), in.remaining()});
        break;
    case 2:
        harness.deliver(harness.message(in));
        break;
    case 3:
        harness.deliver(harness.bundle(in));
        break;
    default: {
        const std::size_t split = in.byte();
        harness.deliverStream({in.rest(), in.remaining()}, split);
        break;
    }
    }
    return 0;
}

} // namespace backline::fuzz
