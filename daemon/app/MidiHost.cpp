// SPDX-License-Identifier: GPL-3.0-or-later
// MidiHost: the MIDI surface wired to RtMidi's devices, and the "midi-ctl" thread that owns them.
#include "app/MidiHost.h"

#include "control/midi/MidiDevices.h"
#include "core/Config.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>

namespace backline::app {

namespace {

constexpr auto feedbackTick = std::chrono::milliseconds(5); // feedback within 5 ms of its due time
constexpr auto pollEvery = std::chrono::seconds(1);          // hot-plug: a device seen within a second
constexpr auto clockSampleEvery = std::chrono::milliseconds(100); // the engine's clock, for the notes' frames
// A port opened in a poll carries events from the next JACK cycle on: what is sent to a new
// output waits this long, past any period JACK may run.
constexpr auto newOutputSettle = std::chrono::milliseconds(100);

std::int64_t monotonicNow()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

control::midi::MidiApi toApi(session::MidiApi api)
{
    switch (api) {
    case session::MidiApi::Alsa:
        return control::midi::MidiApi::Alsa;
    case session::MidiApi::Jack:
        return control::midi::MidiApi::Jack;
    case session::MidiApi::Auto:
        break;
    }
    return control::midi::MidiApi::Auto;
}

} // namespace

MidiHost::MidiHost(port::ControlPort& control, port::Listeners& listeners, std::string clientName, engine::MidiWire& wire)
    : clientName_(std::move(clientName))
    , control_(control)
    , wire_(wire)
    , surface_(
          control,
          // Feedback is sent from flush(), on midi-ctl, which owns the devices and is the
          // wire's one producer.
          [this](const midi::MidiMessage& message) {
              if (devices_)
                  devices_->send(message);
              wire_.send(message);
          },
          [&listeners](const port::Notice& notice) { listeners.notice(notice); },
          [this] {
              port::MidiStatus status;
              std::lock_guard lock(devicesMutex_);
              if (!devices_) {
                  status.api = "none";
                  status.problem = "the session's midi: section names no inputs or outputs";
                  return status;
              }
              const auto s = devices_->status();
              status.api = s.api;
              status.problem = s.reason;
              status.inputs = s.inputs;
              status.outputs = s.outputs;
              status.received = s.received;
              status.dropped = s.dropped + s.parseDrops;
              return status;
          })
{
}

MidiHost::~MidiHost() { stop(); }

void MidiHost::adopt(const session::MidiSpec& spec)
{
    std::vector<midi::MidiMapping> map;
    for (const auto& entry : spec.map)
        map.push_back(entry.mapping);
    if (auto r = surface_.adopt({std::move(map), spec.programScenes, spec.feedbackRate}); !r)
        spdlog::error("midi: the session's mappings cannot be taken: {}", r.error().message);
    // Controllers and keyboards are opened alike; each message goes where its port is named.
    std::vector<std::string> inputs = spec.inputs;
    {
        auto controllers = control::midi::PortPatterns::compile(spec.inputs, "MIDI input pattern");
        std::vector<Keyboard> keyboards;
        for (const auto& keyboard : spec.keyboards) {
            auto ports = control::midi::PortPatterns::compile(keyboard.devices, "MIDI device pattern");
            if (!ports) {
                spdlog::error("midi: track '{}': {}", keyboard.track, ports.error().message);
                continue;
            }
            keyboards.push_back({keyboard.track, std::move(ports.value())});
            for (const auto& pattern : keyboard.devices)
                if (std::find(inputs.begin(), inputs.end(), pattern) == inputs.end())
                    inputs.push_back(pattern);
        }
        std::lock_guard routes(routesMutex_);
        controllers_ = controllers ? std::move(controllers.value()) : control::midi::PortPatterns {};
        keyboards_ = std::move(keyboards);
        routes_.clear();
    }
    std::lock_guard lock(mutex_);
    wish_ = Wish {spec.api, std::move(inputs), spec.outputs};
    if (!thread_.joinable()) {
        stop_ = false;
        thread_ = std::thread([this] { run(); });
    }
    wake_.notify_all();
}

void MidiHost::stop()
{
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void MidiHost::apply(const Wish& wish)
{
    if (wish == applied_ && (devices_ || (wish.inputs.empty() && wish.outputs.empty())))
        return;
    const bool wanted = !wish.inputs.empty() || !wish.outputs.empty();
    if (devices_ && wanted && wish.api == applied_.api) {
        if (auto r = devices_->setPatterns(wish.inputs, wish.outputs); !r)
            spdlog::error("midi: {}", r.error().message);
        else
            applied_ = wish;
        return;
    }
    std::unique_ptr<control::midi::MidiDevices> old;
    {
        std::lock_guard lock(devicesMutex_);
        old = std::move(devices_);
    }
    old.reset(); // its ports let go, its midi-in thread stopped: no message reaches the surface after
    applied_ = wish;
    if (!wanted)
        return;
    control::midi::MidiDevices::Options options;
    options.api = toApi(wish.api);
    options.clientName = clientName_;
    options.inputPatterns = wish.inputs;
    options.outputPatterns = wish.outputs;
    // options.jackServer stays empty: the daemon named the server in $JACK_DEFAULT_SERVER before
    // any thread started (Daemon's constructor); setting it here, with threads running, would
    // race their getenv.
    auto devices = control::midi::MidiDevices::create(
        std::move(options), [this](const control::midi::MidiArrival& arrival) { route(arrival); });
    if (!devices) {
        spdlog::error("midi: {}", devices.error().message);
        return;
    }
    std::lock_guard lock(devicesMutex_);
    devices_ = std::move(devices.value());
}

void MidiHost::route(const control::midi::MidiArrival& arrival)
{
    Route route;
    {
        std::lock_guard lock(routesMutex_);
        auto found = routes_.find(arrival.portId);
        if (found == routes_.end()) {
            const std::string name(arrival.portName);
            Route fresh;
            fresh.surface = controllers_.matches(name);
            for (const auto& keyboard : keyboards_)
                if (keyboard.ports.matches(name))
                    fresh.tracks.push_back(keyboard.track);
            found = routes_.emplace(arrival.portId, std::move(fresh)).first;
        }
        route = found->second;
    }
    if (route.surface)
        surface_.receive(arrival.message, arrival.monotonicNs);
    if (route.tracks.empty())
        return;
    const std::uint64_t frame = frameFor(arrival.monotonicNs);
    for (const auto& track : route.tracks)
        if (auto r = control_.play().midi(track, arrival.message, frame); !r)
            spdlog::debug("midi: {} from {} for track '{}': {}", arrival.message.size, arrival.portName, track,
                r.error().message);
}

std::uint64_t MidiHost::frameFor(std::int64_t monotonicNs)
{
    std::lock_guard lock(routesMutex_);
    const std::uint64_t frame = engineClock_.frameAt(monotonicNs);
    if (frame == 0)
        return 0; // the clock is not known yet: the next block
    return frame + std::uint64_t(config::midiDeviceDelaySeconds * engineClock_.framesPerSecond());
}

void MidiHost::drainWire()
{
    engine::ArrivedMidi arrived;
    // At most a queue's worth a turn, so the feedback and the polls keep their pace.
    for (std::size_t n = 0; n < engine::MidiWire::depth && wire_.takeArrived(arrived); ++n)
        surface_.receive(arrived.message, monotonicNow());
}

void MidiHost::run()
{
    pthread_setname_np(pthread_self(), "midi-ctl");
    using Clock = std::chrono::steady_clock;
    auto lastPoll = Clock::now();
    auto lastClock = Clock::time_point {};
    // Every mapped value goes out again then (max(): nothing due). A plain time point: GCC 12
    // takes an optional one for uninitialised here.
    auto resendAt = Clock::time_point::max();
    std::unique_lock lock(mutex_);
    while (!stop_) {
        if (auto wish = std::exchange(wish_, std::nullopt)) {
            lock.unlock();
            apply(*wish);
            resendAt = Clock::now() + newOutputSettle; // ports opened by it see the values as they stand
            lock.lock();
            continue;
        }
        lock.unlock();
        const auto now = Clock::now();
        if (now - lastClock >= clockSampleEvery) {
            const port::EngineClock reading = control_.clock();
            std::lock_guard routes(routesMutex_);
            engineClock_.add(reading);
            lastClock = now;
        }
        // needsPoll: the JACK server went away, and its dead clients must be closed before
        // anything in the process opens a JACK client again (libjack would free them under us).
        if (devices_ && (now - lastPoll >= pollEvery || devices_->needsPoll())) {
            const auto before = devices_->status().outputs;
            devices_->poll();
            lastPoll = now;
            const auto after = devices_->status().outputs;
            // A controller plugged in (or back) is shown where every mapped value stands.
            if (std::any_of(after.begin(), after.end(),
                    [&](const std::string& p) { return std::find(before.begin(), before.end(), p) == before.end(); }))
                resendAt = now + newOutputSettle;
        }
        if (now >= resendAt) {
            surface_.resendAll();
            resendAt = Clock::time_point::max();
        }
        drainWire();
        surface_.flush(monotonicNow());
        lock.lock();
        wake_.wait_for(lock, feedbackTick, [this] { return stop_ || wish_.has_value(); });
    }
    lock.unlock();
    std::unique_ptr<control::midi::MidiDevices> old;
    {
        std::lock_guard devicesLock(devicesMutex_);
        old = std::move(devices_);
    }
}

} // namespace backline::app
