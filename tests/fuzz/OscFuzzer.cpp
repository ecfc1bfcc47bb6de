// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC harness: bytes → liblo's packet parser → OscDispatcher → an engine-backed target.
#include "EngineTarget.h"
#include "FuzzHarnesses.h"
#include "FuzzInput.h"

#include "control/osc/OscDispatcher.h"

#include <lo/lo.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace backline::fuzz {

namespace {

void quiet(int, const char*, const char*) { }

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

/// The server side of the harness: a liblo server (never receiving from its socket) whose one
/// catch-all method does what OscServer::onMessage does.
class Harness {
public:
    Harness()
        : target_(BACKLINE_FUZZ_DIR "/osc-session.yaml")
        , dispatcher_(target_)
        , documented_(documentedAddresses())
    {
        openServer();
    }

    ~Harness() { lo_server_free(server_); }

    void deliver(std::vector<std::uint8_t>& packet)
    {
        // Bundles stamped in the future wait in liblo's queue; renew the server now and then
        // so a long run does not pile them up.
        if (++delivered_ % 4096 == 0) {
            lo_server_free(server_);
            openServer();
        }
        if (!packet.empty())
            lo_server_dispatch_data(server_, packet.data(), packet.size());
        if (!target_.renderBlock())
            fail("the engine rendered a NaN or infinite sample");
    }

    /// An address from the running parameter table or from OSC.md, sometimes with one
    /// character changed; with the parameter's description when it has one.
    std::string pickAddress(FuzzInput& in, const engine::ParamState** param)
    {
        if (paramsGeneration_ != target_.generation()) {
            params_ = target_.params();
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
    static double edgeValue(FuzzInput& in, const engine::ParamState* param)
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
    static void addArgument(FuzzInput& in, lo_message m, const engine::ParamState* param)
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
            lo_blob blob = lo_blob_new(std::int32_t(bytes.size()), bytes.data());
            lo_message_add_blob(m, blob);
            lo_blob_free(blob);
            break;
        }
        case 14: lo_message_add_float(m, float(edgeValue(in, param))); break;
        default: lo_message_add_double(m, edgeValue(in, param)); break;
        }
    }

    /// A message from the input's next bytes; the caller owns it.
    lo_message makeMessage(FuzzInput& in, std::string& address)
    {
        const engine::ParamState* param = nullptr;
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
    static std::vector<std::uint8_t> serialise(void* bytes, std::size_t size)
    {
        std::vector<std::uint8_t> out;
        if (bytes)
            out.assign(static_cast<std::uint8_t*>(bytes), static_cast<std::uint8_t*>(bytes) + size);
        std::free(bytes);
        return out;
    }

    void openServer()
    {
        server_ = lo_server_new_with_proto(nullptr, LO_UDP, quiet);
        if (!server_)
            fail("cannot open a liblo server");
        lo_server_add_method(server_, nullptr, nullptr, &Harness::onMessage, this);
    }

    /// What OscServer::onMessage does, minus the socket: dispatch, then build every reply.
    static int onMessage(const char* path, const char* types, lo_arg** argv, int argc, lo_message, void* self)
    {
        auto& h = *static_cast<Harness*>(self);
        std::vector<control::OscReply> replies;
        h.dispatcher_.dispatch(path ? path : "", types ? types : "", argv, argc, replies);
        for (const auto& reply : replies) {
            if (reply.address == "/error" && (reply.args.size() != 2 || std::get<std::string>(reply.args[1]).empty()))
                fail("an /error reply without a message for " + std::string(path ? path : ""));
            lo_message m = lo_message_new();
            for (const auto& arg : reply.args) {
                if (const int* i = std::get_if<int>(&arg))
                    lo_message_add_int32(m, *i);
                else if (const float* f = std::get_if<float>(&arg))
                    lo_message_add_float(m, *f);
                else
                    lo_message_add_string(m, std::get<std::string>(arg).c_str());
            }
            std::free(lo_message_serialise(m, reply.address.c_str(), nullptr, nullptr));
            lo_message_free(m);
        }
        return 0;
    }

    EngineTarget target_;
    control::OscDispatcher dispatcher_;
    std::vector<std::string> documented_;
    std::vector<engine::ParamState> params_;
    std::uint64_t paramsGeneration_ = ~std::uint64_t(0);
    lo_server server_ = nullptr;
    std::uint64_t delivered_ = 0;
};

} // namespace

int fuzzOsc(const std::uint8_t* data, std::size_t size)
{
    // Built once per process (a Faust compile may be part of it); libFuzzer never tears down.
    static Harness& harness = *new Harness;
    FuzzInput in(data, size);
    std::vector<std::uint8_t> packet;
    switch (in.byte() % 4) {
    case 0:
    case 1:
        packet.assign(in.rest(), in.rest() + in.remaining());
        break;
    case 2:
        packet = harness.message(in);
        break;
    default:
        packet = harness.bundle(in);
        break;
    }
    harness.deliver(packet);
    return 0;
}

} // namespace backline::fuzz
