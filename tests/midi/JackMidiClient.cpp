// SPDX-License-Identifier: GPL-3.0-or-later
// JackMidiClient: the test's JACK MIDI client; onProcess runs on JACK's thread.
#include "JackMidiClient.h"

#include <cerrno>

#include "WaitFor.h"

#include <jack/midiport.h>

#include <algorithm>
#include <stdexcept>

namespace backline::test {

JackMidiClient::JackMidiClient(const std::string& server, const std::string& name)
{
    jack_status_t status {};
    client_ = jack_client_open(name.c_str(), JackOptions(JackNoStartServer | JackServerName | JackUseExactName),
        &status, server.c_str());
    if (!client_)
        throw std::runtime_error("cannot open JACK client " + name + " on " + server);
    jack_set_process_callback(client_, &JackMidiClient::onProcess, this);
    jack_activate(client_);
}

JackMidiClient::~JackMidiClient()
{
    if (freewheeling_)
        jack_set_freewheel(client_, 0);
    jack_client_close(client_);
}

void JackMidiClient::freewheel(bool on)
{
    if (jack_set_freewheel(client_, on ? 1 : 0) != 0 && on)
        throw std::runtime_error("JACK refused to freewheel");
    freewheeling_ = on;
    // jack_set_freewheel returns once the server has switched; the cycle this client may
    // still be in is the last of the old mode (JACK's freewheel callback is no gate: it comes
    // through the notification thread, which a busy machine can hold back).
    waitCycles(2);
}

std::string JackMidiClient::addOutput(const std::string& port)
{
    jack_port_t* p = jack_port_register(client_, port.c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
    if (!p)
        throw std::runtime_error("cannot register MIDI output " + port);
    out_.store(p, std::memory_order_release);
    return jack_port_name(p);
}

void JackMidiClient::removeOutput()
{
    waitFor([&] { return played(); });
    waitCycles(2);
    jack_port_t* p = out_.exchange(nullptr, std::memory_order_acq_rel);
    waitCycles(2);
    jack_port_unregister(client_, p);
}

std::string JackMidiClient::addInput(const std::string& port)
{
    jack_port_t* p = jack_port_register(client_, port.c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
    if (!p)
        throw std::runtime_error("cannot register MIDI input " + port);
    in_.store(p, std::memory_order_release);
    return jack_port_name(p);
}

bool JackMidiClient::play(const Bytes& bytes)
{
    Event e;
    e.size = std::uint8_t(std::min(bytes.size(), sizeof e.bytes));
    std::copy_n(bytes.begin(), e.size, e.bytes);
    return toPlay_.push(e);
}

std::vector<Bytes> JackMidiClient::heard()
{
    std::vector<Bytes> all;
    for (auto& timed : heardTimed())
        all.push_back(std::move(timed.bytes));
    return all;
}

std::vector<JackMidiClient::Timed> JackMidiClient::heardTimed()
{
    Event e;
    while (heard_.pop(e))
        kept_.push_back(Timed {e.frame, Bytes(e.bytes, e.bytes + e.size)});
    return kept_;
}

bool JackMidiClient::connect(const std::string& from, const std::string& to)
{
    const int rc = jack_connect(client_, from.c_str(), to.c_str());
    return rc == 0 || rc == EEXIST;
}

bool JackMidiClient::waitCycles(int n)
{
    const auto target = cycles_.load(std::memory_order_acquire) + std::uint64_t(n);
    return waitFor([&] { return cycles_.load(std::memory_order_acquire) >= target; });
}

int JackMidiClient::onProcess(jack_nframes_t frames, void* self)
{
    auto* c = static_cast<JackMidiClient*>(self);
    if (jack_port_t* out = c->out_.load(std::memory_order_acquire)) {
        void* buffer = jack_port_get_buffer(out, frames);
        jack_midi_clear_buffer(buffer);
        Event e;
        if (c->toPlay_.pop(e) && e.size > 0)
            jack_midi_event_write(buffer, 0, e.bytes, e.size);
    }
    if (jack_port_t* in = c->in_.load(std::memory_order_acquire)) {
        void* buffer = jack_port_get_buffer(in, frames);
        const std::uint32_t count = jack_midi_get_event_count(buffer);
        for (std::uint32_t i = 0; i < count; ++i) {
            jack_midi_event_t event;
            if (jack_midi_event_get(&event, buffer, i) != 0)
                continue;
            Event e;
            e.size = std::uint8_t(std::min<std::size_t>(event.size, sizeof e.bytes));
            std::copy_n(event.buffer, e.size, e.bytes);
            e.frame = c->frames_ + event.time;
            if (!c->heard_.push(e))
                c->overflows_.fetch_add(1, std::memory_order_relaxed);
        }
    }
    c->frames_ += frames;
    c->cycles_.fetch_add(1, std::memory_order_release); // pairs with waitCycles' acquire
    return 0;
}

} // namespace backline::test
