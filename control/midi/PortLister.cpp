// SPDX-License-Identifier: GPL-3.0-or-later
// PortLister: listing MIDI ports through RtMidi ([control]).
#include "control/midi/PortLister.h"

#include <fmt/format.h>

namespace backline::control::midi {

namespace {

/// Every port name rt lists; RtMidi looks the list up again for each name, so one that goes
/// meanwhile makes it report an error and this listing fails (the next poll lists again).
Result<std::vector<std::string>> listPorts(RtMidi& rt, RtMidiErrors& errors, const char* what)
{
    std::vector<std::string> names;
    auto listed = guarded(errors, [&] {
        const unsigned count = rt.getPortCount();
        for (unsigned i = 0; i < count; ++i)
            if (std::string name = rt.getPortName(i); !name.empty())
                names.push_back(std::move(name));
    });
    if (!listed)
        return makeError(ErrorCode::Midi, fmt::format("cannot list the MIDI {}: {}", what, listed.error().message));
    return names;
}

} // namespace

PortLister::~PortLister() = default;

Result<std::unique_ptr<PortLister>> PortLister::open(MidiApi api, const std::string& clientName)
{
    std::unique_ptr<PortLister> lister(new PortLister);
    auto made = guarded(lister->inErrors_, [&] {
        // The constructors may print to stderr and throw (ALSA without a sequencer): callers
        // ask alsaSequencerPresent() or a JackWatch first, so they do not in the ordinary case.
        lister->in_ = std::make_unique<RtMidiIn>(rtMidiApi(api), clientName);
        lister->in_->setErrorCallback(&RtMidiErrors::onError, &lister->inErrors_);
        lister->out_ = std::make_unique<RtMidiOut>(rtMidiApi(api), clientName);
        lister->out_->setErrorCallback(&RtMidiErrors::onError, &lister->outErrors_);
    });
    if (!made)
        return makeError(ErrorCode::Midi,
            fmt::format("cannot open {} MIDI through RtMidi: {}", apiName(api), made.error().message));
    return lister;
}

Result<std::vector<std::string>> PortLister::inputs()
{
    return listPorts(*in_, inErrors_, "inputs");
}

Result<std::vector<std::string>> PortLister::outputs()
{
    return listPorts(*out_, outErrors_, "outputs");
}

} // namespace backline::control::midi
