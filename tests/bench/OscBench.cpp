// SPDX-License-Identifier: GPL-3.0-or-later
// The OSC surface in-process, from the wire in: what one message costs to parse, to dispatch
// onto the real ParamControl (validation, the engine's command queue, feedback bookkeeping),
// and what the whole server (sockets, rate limit, feedback to subscribers) sustains over
// loopback UDP with 0 and 8 subscribers, side by side in one run.
#include "FakeTarget.h"
#include "NoRecorderPort.h"
#include "RawOscClient.h"

#include "control/osc/FeedbackLog.h"
#include "control/osc/OscDispatcher.h"
#include "control/osc/OscPacket.h"
#include "control/osc/OscServer.h"
#include "control/osc/OscWriter.h"
#include "engine/ArrangementControl.h"
#include "engine/Engine.h"
#include "engine/GraphBuilder.h"
#include "engine/ParamControl.h"
#include "engine/PlayControl.h"
#include "engine/TransportControl.h"
#include "faust/DspFactory.h"
#include "session/SessionLoader.h"

#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <stdexcept>
#include <thread>

using namespace backline;
using namespace backline::control;

namespace {

std::vector<std::uint8_t> setMessage(const std::string& address, float value)
{
    OscWriter w;
    const OscReply::Arg args[] = {value};
    w.message(address, args);
    return w.bytes();
}

/// A control port on a real Engine and ParamControl (8 tone tracks, built-in DSP only); this
/// thread plays the audio thread too, draining the command queue now and then.
class EngineTarget final : public test::NoRecorderPort {
public:
    EngineTarget()
    {
        std::string yaml = "backline: 1\ntracks:\n";
        for (int t = 0; t < 8; ++t)
            yaml += "  - name: t" + std::to_string(t) + "\n    dsp: tone\n";
        auto spec = session::loadSessionText(yaml, "/tmp/oscbench.yaml");
        if (!spec)
            throw std::runtime_error(spec.error().message);
        auto graph = engine::buildGraph(*spec, 48000, 128,
            [](const session::DspSpec& dsp) { return faust::builtinFactory(dsp.builtin); });
        if (!graph)
            throw std::runtime_error(graph.error().message);
        control_.install(std::move(graph.value()));
        engine_.beginBlock();
    }
    port::ParamPort& params() override { return control_; }
    void addListener(port::ChangeListener* l) override { listeners_.add(l); }
    void removeListener(port::ChangeListener* l) override { listeners_.remove(l); }
    port::EngineClock clock() override { return {}; }
    port::TransportPort& transport() override { return transport_; }
    port::ScenePort& scenes() override { return scenes_; }
    port::ArrangementPort& arrangement() override { return arrangement_; }
    port::PlayPort& play() override { return play_; }
    port::MidiPort& midi() override { return midi_; }
    port::DaemonStatus status() override { return {}; }
    port::MeterSnapshot meters() override { return {}; }
    void resetLoudness() override { }
    Result<std::string> reloadSession() override { return std::string("bench"); }
    Result<std::string> saveSession(std::string_view) override { return std::string("bench.yaml"); }
    /// [audio, here] Takes the queued commands as a block would.
    void drain() { engine_.beginBlock(); }

private:
    engine::Engine engine_;
    port::Listeners listeners_;
    engine::ParamControl control_ {engine_, listeners_};
    engine::TransportControl transport_ {engine_};
    engine::PlayControl play_ {engine_};
    port::NoMidi midi_;
    show::SceneBook scenes_ {control_, transport_};
    engine::ArrangementControl arrangement_ {
        engine_, control_, [this](std::string_view scene) { return scenes_.recallValues(scene); }};
};

void BM_ParseSetMessage(benchmark::State& state)
{
    const auto bytes = setMessage("/track/vox/eq/mid1/gain", -3.5f);
    for (auto _ : state) {
        auto p = parsePacket(bytes);
        benchmark::DoNotOptimize(p);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseSetMessage);

void BM_ParseBundleOf8(benchmark::State& state)
{
    OscWriter w;
    w.beginBundle();
    for (int i = 0; i < 8; ++i) {
        const OscReply::Arg args[] = {float(-i)};
        w.message("/track/t" + std::to_string(i) + "/gain", args);
    }
    w.endBundle();
    for (auto _ : state) {
        auto p = parsePacket(w.bytes());
        benchmark::DoNotOptimize(p);
    }
    state.SetItemsProcessed(state.iterations() * 8);
}
BENCHMARK(BM_ParseBundleOf8);

void BM_WriteFeedbackPacketOf8(benchmark::State& state)
{
    std::uint32_t sequence = 0;
    for (auto _ : state) {
        PacketPacker packer(config::oscReplyPacketBytes);
        packer.sequenceWith("/feedback/seq", &sequence);
        for (int i = 0; i < 8; ++i)
            packer.add({"/track/t" + std::to_string(i) + "/gain", {float(-i)}});
        auto packets = packer.finish();
        benchmark::DoNotOptimize(packets);
    }
    state.SetItemsProcessed(state.iterations() * 8);
}
BENCHMARK(BM_WriteFeedbackPacketOf8);

/// Parse + dispatch onto the real ParamControl + the engine's command queue, with the
/// feedback log listening (what the OSC thread does per message, sockets aside).
void BM_SetThroughParamControl(benchmark::State& state)
{
    EngineTarget target;
    FeedbackLog log([] {});
    const bool listening = state.range(0) != 0;
    if (listening)
        target.addListener(&log);
    OscDispatcher dispatcher(target);
    std::vector<std::vector<std::uint8_t>> packets;
    for (int i = 0; i < 64; ++i)
        packets.push_back(setMessage("/track/t" + std::to_string(i % 8) + "/gain", float(-i)));
    std::vector<OscReply> replies;
    std::size_t n = 0;
    for (auto _ : state) {
        auto p = parsePacket(packets[n % packets.size()]);
        const auto& m = p.messages.front();
        dispatcher.dispatch(m.address, m.types, m.argv, m.argc, replies);
        if (++n % 64 == 0) {
            target.drain();
            if (listening)
                log.collect(0, target.params());
        }
    }
    if (!replies.empty())
        state.SkipWithError("a set was refused");
    if (listening)
        target.removeListener(&log);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SetThroughParamControl)->ArgName("feedback_log")->Arg(0)->Arg(1);

/// The whole server over loopback UDP: sets from one client until the target has taken them
/// all, with 0 or 8 subscribed clients draining their feedback.
void BM_ServerSetsWithSubscribers(benchmark::State& state)
{
    test::FakeTarget target;
    OscServerOptions options;
    options.port = 0;
    options.clientRate = 1e9; // the server's own capacity, not the per-client limits
    options.clientBurst = 1e9;
    options.replyRate = 1e12;
    options.clients.establishedAfterNs = 0; // each subscription as long as it asks
    auto server = OscServer::start(std::move(options), target);
    if (!server) {
        state.SkipWithError(server.error().message.c_str());
        return;
    }
    const int port = (*server)->port();
    std::atomic<bool> stop {false};
    std::vector<std::thread> subscribers;
    std::atomic<std::uint64_t> feedback {0};
    for (int i = 0; i < state.range(0); ++i)
        subscribers.emplace_back([&, port] {
            test::RawOscClient c(test::RawOscClient::Kind::Udp, port);
            c.send("/subscribe", {60.0f});
            while (!stop)
                for (const auto& m : c.receiveFor(std::chrono::milliseconds(20)))
                    if (m.address == "/feedback/seq")
                        feedback.fetch_add(1, std::memory_order_relaxed);
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    test::RawOscClient sender(test::RawOscClient::Kind::Udp, port);
    std::vector<std::vector<std::uint8_t>> packets;
    for (int i = 0; i < 256; ++i)
        packets.push_back(setMessage("/track/" + std::string(1, char('a' + i % 3)) + "/gain", float(-(i % 100))));
    constexpr int batch = 256;
    for (auto _ : state) {
        const auto before = target.sets();
        for (int i = 0; i < batch; ++i)
            sender.sendBytes(packets[std::size_t(i)]);
        while (target.sets() < before + batch)
            std::this_thread::yield();
    }
    state.SetItemsProcessed(state.iterations() * batch);
    state.counters["feedback_packets"] = double(feedback.load());
    stop = true;
    for (auto& t : subscribers)
        t.join();
}
BENCHMARK(BM_ServerSetsWithSubscribers)->ArgName("subscribers")->Arg(0)->Arg(8)->UseRealTime();

/// A /ping round trip through the server over loopback UDP (OSC path alone, both ways).
void BM_ServerPingRoundTrip(benchmark::State& state)
{
    test::FakeTarget target;
    OscServerOptions options;
    options.port = 0;
    options.clientRate = 1e9;
    options.clientBurst = 1e9;
    options.replyRate = 1e12;
    auto server = OscServer::start(std::move(options), target);
    if (!server) {
        state.SkipWithError(server.error().message.c_str());
        return;
    }
    test::RawOscClient c(test::RawOscClient::Kind::Udp, (*server)->port());
    for (auto _ : state) {
        auto reply = c.request("/ping");
        if (!reply)
            state.SkipWithError("no reply");
    }
}
BENCHMARK(BM_ServerPingRoundTrip)->UseRealTime();

} // namespace

int main(int argc, char** argv)
{
    spdlog::set_level(spdlog::level::warn);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
