// SPDX-License-Identifier: GPL-3.0-or-later
// MidiDevices: choosing the API, hot-plug by polling, patterns, sending and status ([control]).
#include "control/midi/MidiDevices.h"

#include "control/midi/DeviceInput.h"
#include "control/midi/DeviceOutput.h"
#include "control/midi/InputPump.h"
#include "control/midi/OwnPort.h"
#include "control/midi/PortLister.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <utility>

namespace backline::control::midi {

namespace {

bool listed(const std::vector<std::string>& names, const std::string& name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

/// RtMidi JACK outputs whose server went away, left for libjack to delete (dropOutputs): kept
/// reachable for the process's life, so a leak checker sees they are kept on purpose.
void abandon(std::unique_ptr<DeviceOutput> output)
{
    struct Abandoned {
        std::mutex mutex;
        std::vector<std::unique_ptr<DeviceOutput>> outputs;
    };
    static auto* abandoned = new Abandoned; // never destroyed: that would close them after all
    std::lock_guard lock(abandoned->mutex);
    abandoned->outputs.push_back(std::move(output));
}

/// Opening an input and an output of the same name are two things that may fail.
std::string failureKey(const char* direction, const std::string& name)
{
    return std::string(direction) + ' ' + name;
}

} // namespace

MidiDevices::MidiDevices(Options options, PortPatterns inputs, PortPatterns outputs)
    : options_(std::move(options))
    , inputPatterns_(std::move(inputs))
    , outputPatterns_(std::move(outputs))
    , api_(options_.api, options_.clientName, options_.jackServer)
{
}

Result<std::unique_ptr<MidiDevices>> MidiDevices::create(Options options, Sink sink)
{
    auto inputs = PortPatterns::compile(options.inputPatterns, "MIDI input pattern");
    if (!inputs)
        return inputs.error();
    auto outputs = PortPatterns::compile(options.outputPatterns, "MIDI output pattern");
    if (!outputs)
        return outputs.error();
    if (!options.jackServer.empty()) {
        // RtMidi 5 opens each JACK client with jack_client_open(name, JackNoStartServer, NULL):
        // no server name, so libjack takes $JACK_DEFAULT_SERVER, and setting it is the only way
        // to put RtMidi on the daemon's --jack-server. Done before this object makes any RtMidi
        // object, only when a server is named (the default needs nothing), and not again when
        // it already says so: setenv is not safe against another thread's getenv.
        const char* current = std::getenv("JACK_DEFAULT_SERVER");
        if (current == nullptr || options.jackServer != current)
            ::setenv("JACK_DEFAULT_SERVER", options.jackServer.c_str(), 1);
    }
    std::unique_ptr<MidiDevices> devices(new MidiDevices(std::move(options), std::move(*inputs), std::move(*outputs)));
    auto pump = InputPump::start(std::move(sink), devices->counters_);
    if (!pump)
        return pump.error();
    devices->pump_ = std::move(*pump);
    devices->poll();
    return devices;
}

MidiDevices::~MidiDevices()
{
    inputs_.clear(); // each RtMidiIn is closed before its inbox is let go (DeviceInput)
    if (pump_)
        pump_->setInboxes({});
    dropOutputs();
    pump_.reset(); // joins the midi-in thread
    // api_ (the listers, the JACK watch) closes last, as the first member declared.
}

void MidiDevices::poll()
{
    if (api_.lost()) {
        // No try to connect again in the same poll: libjack (JACK2) answers the first
        // jack_client_open after its server died by deleting every client of the process still
        // open, other code's included, whose owners then crash closing them. So every owner
        // closes its dead clients first, and ApiConnection waits config::midiJackRetrySeconds.
        disconnect(fmt::format("the JACK server '{}' went away", api_.jackServer()));
        publishStatus();
        return;
    }
    if (!api_.open()) {
        publishStatus();
        return;
    }
    auto inputs = api_.lister().inputs();
    auto outputs = api_.lister().outputs();
    if (inputs && outputs)
        reconcile(*inputs, *outputs);
    else // the list changed while RtMidi walked it, as ports come and go: the next poll lists again
        spdlog::debug("{}", (inputs ? outputs.error() : inputs.error()).message);
    publishStatus();
}

void MidiDevices::disconnect(const std::string& why)
{
    spdlog::warn("MIDI devices: {}; every MIDI port is let go until it is back", why);
    for (const auto& input : inputs_)
        spdlog::info("MIDI input '{}' let go", input->name());
    for (const auto& output : outputs_)
        spdlog::info("MIDI output '{}' let go", output->name());
    inputs_.clear();
    publishInboxes();
    dropOutputs();
    openFailuresLogged_.clear();
    sendFailuresLogged_.clear();
    api_.close(why, ApiConnection::Close::ServerLost);
}

void MidiDevices::dropOutputs()
{
    if (!api_.lost()) {
        outputs_.clear();
        return;
    }
    // Left to libjack rather than closed, each one: closing an RtMidi JACK output waits up to
    // a second (sem_timedwait in MidiOutJack::closePort) for a process cycle a dead server
    // never runs, and libjack (JACK2) itself deletes every client still open at the process's
    // next jack_client_open. A few kilobytes per lost server, against seconds of this thread
    // stuck while the daemon may already be opening its own client again (whereupon closing
    // these would free what libjack freed).
    for (auto& output : outputs_)
        abandon(std::move(output));
    outputs_.clear();
}

void MidiDevices::reconcile(const std::vector<std::string>& inputs, const std::vector<std::string>& outputs)
{
    bool inboxesChanged = false;
    std::erase_if(inputs_, [&](const std::unique_ptr<DeviceInput>& input) {
        const char* why = !listed(inputs, input->name()) ? "gone" : !wantInput(input->name()) ? "no longer matched" : nullptr;
        if (why)
            spdlog::info("MIDI input '{}' let go ({})", input->name(), why);
        inboxesChanged = inboxesChanged || why;
        return why != nullptr;
    });
    std::vector<std::string> failed; // not opened again before the next poll: a port failing for good costs a line a poll at most
    std::erase_if(outputs_, [&](const std::unique_ptr<DeviceOutput>& output) {
        std::string why = !listed(outputs, output->name()) ? "gone"
            : !wantOutput(output->name())                  ? "no longer matched"
            : output->failed()                             ? "sending failed: " + output->failure()
                                                           : "";
        if (output->failed())
            failed.push_back(output->name());
        if (!why.empty())
            spdlog::info("MIDI output '{}' let go ({})", output->name(), why);
        return !why.empty();
    });
    // A port that is no longer listed is logged afresh when it comes back and fails again.
    std::erase_if(openFailuresLogged_, [&](const std::string& key) {
        return key.starts_with("in ") ? !listed(inputs, key.substr(3)) : !listed(outputs, key.substr(4));
    });
    std::erase_if(sendFailuresLogged_, [&](const std::string& name) { return !listed(outputs, name); });

    for (const std::string& name : inputs) {
        if (!wantInput(name)
            || std::any_of(inputs_.begin(), inputs_.end(), [&](const auto& input) { return input->name() == name; }))
            continue;
        auto inbox = std::make_shared<MidiInbox>(nextPortId_++, name, counters_, pump_->wake());
        auto input = DeviceInput::open(api_.api(), options_.clientName, name, std::move(inbox));
        if (!input) {
            if (openFailuresLogged_.insert(failureKey("in", name)).second)
                spdlog::warn("{}; trying again at every poll", input.error().message);
            continue;
        }
        openFailuresLogged_.erase(failureKey("in", name));
        spdlog::info("MIDI input '{}' opened", name);
        inputs_.push_back(std::move(*input));
        inboxesChanged = true;
    }
    if (inboxesChanged)
        publishInboxes();

    for (const std::string& name : outputs) {
        if (!wantOutput(name) || listed(failed, name)
            || std::any_of(outputs_.begin(), outputs_.end(), [&](const auto& output) { return output->name() == name; }))
            continue;
        auto output = DeviceOutput::open(api_.api(), options_.clientName, name);
        if (!output) {
            if (openFailuresLogged_.insert(failureKey("out", name)).second)
                spdlog::warn("{}; trying again at every poll", output.error().message);
            continue;
        }
        openFailuresLogged_.erase(failureKey("out", name));
        spdlog::info("MIDI output '{}' opened", name);
        outputs_.push_back(std::move(*output));
    }
}

bool MidiDevices::wantInput(const std::string& name) const
{
    return !isOwnPort(name, options_.clientName) && inputPatterns_.matches(name);
}

bool MidiDevices::wantOutput(const std::string& name) const
{
    return !isOwnPort(name, options_.clientName) && outputPatterns_.matches(name);
}

Result<void> MidiDevices::setPatterns(std::vector<std::string> inputPatterns, std::vector<std::string> outputPatterns)
{
    auto inputs = PortPatterns::compile(inputPatterns, "MIDI input pattern");
    if (!inputs)
        return inputs.error();
    auto outputs = PortPatterns::compile(outputPatterns, "MIDI output pattern");
    if (!outputs)
        return outputs.error();
    inputPatterns_ = std::move(*inputs);
    outputPatterns_ = std::move(*outputs);
    options_.inputPatterns = std::move(inputPatterns);
    options_.outputPatterns = std::move(outputPatterns);
    // Let go at once, without waiting for a listing that may fail; poll() opens the new ones.
    const auto before = inputs_.size();
    std::erase_if(inputs_, [&](const std::unique_ptr<DeviceInput>& input) {
        const bool drop = !wantInput(input->name());
        if (drop)
            spdlog::info("MIDI input '{}' let go (no longer matched)", input->name());
        return drop;
    });
    if (inputs_.size() != before)
        publishInboxes();
    std::erase_if(outputs_, [&](const std::unique_ptr<DeviceOutput>& output) {
        const bool drop = !wantOutput(output->name());
        if (drop)
            spdlog::info("MIDI output '{}' let go (no longer matched)", output->name());
        return drop;
    });
    poll();
    return {};
}

void MidiDevices::send(const backline::midi::MidiMessage& message)
{
    if (api_.lost())
        return;
    for (const auto& output : outputs_)
        if (!output->failed() && !output->send(message))
            noteSendFailure(*output);
}

bool MidiDevices::send(std::string_view portName, const backline::midi::MidiMessage& message)
{
    if (api_.lost())
        return false;
    for (const auto& output : outputs_) {
        if (output->name() != portName)
            continue;
        if (output->failed())
            return false;
        if (output->send(message))
            return true;
        noteSendFailure(*output);
        return false;
    }
    return false;
}

void MidiDevices::noteSendFailure(const DeviceOutput& output)
{
    ++sendFailures_;
    // Once while the port stays listed: one that fails for good is let go and opened again
    // every other poll, and a failed send is the same news each time.
    if (sendFailuresLogged_.insert(output.name()).second)
        spdlog::warn("MIDI output '{}': sending failed ({}); it is let go at the next poll", output.name(),
            output.failure());
}

bool MidiDevices::needsPoll() const noexcept
{
    return api_.lost();
}

void MidiDevices::publishInboxes()
{
    std::vector<std::shared_ptr<MidiInbox>> inboxes;
    inboxes.reserve(inputs_.size());
    for (const auto& input : inputs_)
        inboxes.push_back(input->inbox());
    pump_->setInboxes(std::move(inboxes));
}

void MidiDevices::publishStatus()
{
    Status now;
    now.api = api_.isOpen() ? std::string(apiName(api_.api())) : "none";
    now.reason = api_.isOpen() ? "" : api_.reason();
    for (const auto& input : inputs_)
        now.inputs.push_back(input->name());
    for (const auto& output : outputs_)
        now.outputs.push_back(output->name());
    now.sendFailures = sendFailures_;
    std::lock_guard lock(statusMutex_);
    published_ = std::move(now);
}

MidiDevices::Status MidiDevices::status() const
{
    Status now;
    {
        std::lock_guard lock(statusMutex_);
        now = published_;
    }
    // Counts alone, read without ordering against anything else.
    now.received = counters_.received.load(std::memory_order_relaxed);
    now.dropped = counters_.dropped.load(std::memory_order_relaxed);
    now.parseDrops = counters_.parseDrops.load(std::memory_order_relaxed);
    return now;
}

} // namespace backline::control::midi
