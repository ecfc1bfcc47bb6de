// SPDX-License-Identifier: GPL-3.0-or-later
// DeviceInput: opening one hardware MIDI input through RtMidi, and closing it safely ([control]).
#include "control/midi/DeviceInput.h"

#include <fmt/format.h>

#include <utility>

namespace backline::control::midi {

namespace {

/// The name of our end of the connection (under JACK "<client>:midi_in", one client each).
constexpr const char* ownPortName = "midi_in";
/// RtMidi's own message queue, used only by an RtMidiIn without a callback: never here.
constexpr unsigned rtMidiQueueSize = 4;

} // namespace

DeviceInput::DeviceInput(std::shared_ptr<MidiInbox> inbox)
    : inbox_(std::move(inbox))
{
}

Result<std::unique_ptr<DeviceInput>> DeviceInput::open(MidiApi api, const std::string& clientName,
    const std::string& portName, std::shared_ptr<MidiInbox> inbox)
{
    std::unique_ptr<DeviceInput> input(new DeviceInput(std::move(inbox)));
    RtMidiErrors& errors = input->errors_;
    auto fail = [&](const Error& why) {
        return makeError(ErrorCode::Midi, fmt::format("MIDI input '{}' cannot be opened: {}", portName, why.message));
    };
    auto made = guarded(errors, [&] {
        input->rt_ = std::make_unique<RtMidiIn>(rtMidiApi(api), clientName, rtMidiQueueSize);
        input->rt_->setErrorCallback(&RtMidiErrors::onError, &errors);
        // SysEx and active sensing ignored; timing clock and time code come through (a MIDI
        // clock in needs them).
        input->rt_->ignoreTypes(true, false, true);
        // Before the port opens, so no message can come before the callback is there.
        input->rt_->setCallback(&MidiInbox::onMessage, input->inbox_.get());
    });
    if (!made)
        return fail(made.error());
    auto index = findPort(*input->rt_, errors, portName);
    if (!index)
        return fail(index.error());
    bool same = false;
    auto opened = guarded(errors, [&] {
        input->rt_->openPort(*index, ownPortName);
        // RtMidi opens by index and looks the list up again to do it: a port registered or
        // gone in between shifts the indexes. The same name at the index afterwards means it
        // opened what was asked (the next poll lets go of anything else).
        same = input->rt_->isPortOpen() && input->rt_->getPortName(*index) == portName;
    });
    if (!opened)
        return fail(opened.error());
    if (!same)
        return fail(Error {ErrorCode::Midi, "the port list changed while it was being opened"});
    return input;
}

DeviceInput::~DeviceInput()
{
    // Not cancelCallback() first: under JACK that writes the three plain fields (flag,
    // function, user data) RtMidi's process callback reads with no synchronisation, so the
    // callback could be called as a null function or with null user data. The RtMidiIn goes
    // whole instead: its destructor closes the JACK client (jack_client_close returns once
    // the process thread has left it) or joins the ALSA input thread, so after it no callback
    // runs and the inbox, released next, is no longer written to.
    rt_.reset();
}

} // namespace backline::control::midi
