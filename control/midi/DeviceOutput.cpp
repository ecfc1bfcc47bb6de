// SPDX-License-Identifier: GPL-3.0-or-later
// DeviceOutput: opening one hardware MIDI output through RtMidi and sending to it ([control]).
#include "control/midi/DeviceOutput.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>
#include <utility>

namespace backline::control::midi {

namespace {

/// The name of our end of the connection (under JACK "<client>:midi_out", one client each).
constexpr const char* ownPortName = "midi_out";

} // namespace

DeviceOutput::DeviceOutput(std::string name)
    : name_(std::move(name))
{
}

DeviceOutput::~DeviceOutput()
{
    // RtMidi 5's ~MidiOutJack frees its ring buffer before it closes its JACK client, while a
    // process callback that saw the port still open may be reading that buffer: a use after
    // free, seen as rare crashes under load (libc's memmove in jack_ringbuffer_peek on JACK's
    // thread). Closing the port first and letting many periods pass leaves no callback in there.
    if (!rt_ || rt_->getCurrentApi() != RtMidi::UNIX_JACK)
        return;
    try {
        if (rt_->isPortOpen()) {
            static_cast<void>(guarded(errors_, [&] { rt_->closePort(); }));
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    } catch (...) { // making an error's text ran out of memory: the wait is all that matters
    }
}

Result<std::unique_ptr<DeviceOutput>> DeviceOutput::open(MidiApi api, const std::string& clientName,
    const std::string& portName)
{
    std::unique_ptr<DeviceOutput> output(new DeviceOutput(portName));
    RtMidiErrors& errors = output->errors_;
    auto fail = [&](const Error& why) {
        return makeError(ErrorCode::Midi, fmt::format("MIDI output '{}' cannot be opened: {}", portName, why.message));
    };
    auto made = guarded(errors, [&] {
        output->rt_ = std::make_unique<RtMidiOut>(rtMidiApi(api), clientName);
        output->rt_->setErrorCallback(&RtMidiErrors::onError, &errors);
    });
    if (!made)
        return fail(made.error());
    auto index = findPort(*output->rt_, errors, portName);
    if (!index)
        return fail(index.error());
    bool same = false;
    auto opened = guarded(errors, [&] {
        output->rt_->openPort(*index, ownPortName);
        // RtMidi opens by index: see DeviceInput::open.
        same = output->rt_->isPortOpen() && output->rt_->getPortName(*index) == portName;
    });
    if (!opened)
        return fail(opened.error());
    if (!same)
        return fail(Error {ErrorCode::Midi, "the port list changed while it was being opened"});
    return output;
}

bool DeviceOutput::send(const backline::midi::MidiMessage& message) noexcept
{
    if (message.size == 0 || message.size > sizeof message.bytes)
        return true; // empty: nothing to send
    try {
        auto sent = guarded(errors_, [&] { rt_->sendMessage(message.bytes, message.size); });
        if (sent)
            return true;
        if (failures_++ == 0)
            failure_ = sent.error().message;
    } catch (...) { // bad_alloc making the error's text: the failure counts all the same
        ++failures_;
    }
    return false;
}

} // namespace backline::control::midi
