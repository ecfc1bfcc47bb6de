// SPDX-License-Identifier: GPL-3.0-or-later
// MidiMapper: messages → actions through the mappings, and values → feedback messages. Called
// under its owner's lock (MidiSurface), from the MIDI input thread and the control threads.
#include "control/midi/MidiMapper.h"

#include <algorithm>
#include <cmath>

namespace backline::control {

namespace {

using Kind = midi::MidiSource::Kind;

// Controller numbers MIDI gives NRPN and RPN (MIDI 1.0, "Registered and non-registered
// parameter numbers"): select the number's MSB and LSB, then carry the value on data entry.
constexpr int nrpnMsbCc = 99;
constexpr int nrpnLsbCc = 98;
constexpr int rpnMsbCc = 101;
constexpr int rpnLsbCc = 100;
constexpr int dataEntryMsbCc = 6;
constexpr int dataEntryLsbCc = 38;
constexpr int lsbOffset = 32; // a 14-bit pair's LSB controller is its MSB's + 32

bool continuous(midi::Curve curve)
{
    return curve == midi::Curve::Linear || curve == midi::Curve::Log || curve == midi::Curve::Db;
}

int toSteps(double travel, int steps) { return int(std::lround(std::clamp(travel, 0.0, 1.0) * steps)); }

} // namespace

void MidiMapper::setMappings(std::vector<BoundMapping> mappings)
{
    std::vector<Knob> knobs(mappings.size());
    for (std::size_t i = 0; i < mappings.size(); ++i)
        for (std::size_t j = 0; j < mappings_.size(); ++j)
            if (mappings_[j].mapping.source == mappings[i].mapping.source
                && mappings_[j].mapping.address == mappings[i].mapping.address)
                knobs[i] = knobs_[j];
    mappings_ = std::move(mappings);
    knobs_ = std::move(knobs);
}

void MidiMapper::releasePickup(std::size_t index)
{
    if (index < knobs_.size())
        knobs_[index].engaged = false;
}

bool MidiMapper::continuousAt(std::size_t index) const
{
    return index < mappings_.size() && continuous(mappings_[index].range.curve);
}

bool MidiMapper::waitingForPickup(std::size_t index) const
{
    return index < mappings_.size() && mappings_[index].mapping.pickup && continuous(mappings_[index].range.curve)
        && !knobs_[index].engaged;
}

void MidiMapper::handle(const midi::MidiMessage& message,
    const std::function<std::optional<double>(const std::string&)>& current, std::vector<MidiAction>& out)
{
    const int channel = message.channel() + 1;
    switch (message.type()) {
    case midi::kind::controlChange:
        controlChange(message, current, out);
        break;
    case midi::kind::noteOn:
    case midi::kind::noteOff: {
        const bool on = message.isNoteOn();
        // A pad's velocity is a continuous mapping's travel; its release leaves the value be.
        each(Kind::Note, message.note(), channel, on ? message.velocity() / 127.0 : -1.0, on, current, out);
        break;
    }
    case midi::kind::programChange:
        each(Kind::Program, message.program(), channel, 0.0, true, current, out);
        break;
    default:
        break;
    }
}

void MidiMapper::controlChange(const midi::MidiMessage& message,
    const std::function<std::optional<double>(const std::string&)>& current, std::vector<MidiAction>& out)
{
    const int channel = message.channel() + 1;
    Channel& state = channels_[message.channel()];
    const int cc = message.controller();
    const int value = message.value();
    const double travel = value / 127.0;
    each(Kind::Cc, cc, channel, travel, value >= 64, current, out);

    // A controller that sends no LSB: its MSB acts alone, as 7 bits (so it reaches the top).
    // Once a pair's LSB has come, its MSB only waits for the LSB, which acts with all 14 bits:
    // acting on both would step the value to the 7-bit one and back at every move.
    if (cc < lsbOffset) {
        state.msb[std::size_t(cc)] = value;
        if ((state.lsbSeen & (1u << cc)) == 0)
            each(Kind::Cc14, cc, channel, travel, value >= 64, current, out);
    } else if (cc < 2 * lsbOffset) {
        const int pair = cc - lsbOffset;
        state.lsbSeen |= 1u << pair;
        const int msb = state.msb[std::size_t(pair)];
        const double fine = ((msb << 7) | value) / double(midi::maxFourteenBit);
        each(Kind::Cc14, pair, channel, fine, msb >= 64, current, out);
    }

    switch (cc) {
    case nrpnMsbCc:
        state.nrpnMsb = value;
        state.nrpn = -1; // the LSB completes the number
        break;
    case nrpnLsbCc:
        state.nrpnLsb = value;
        state.nrpn = state.nrpnMsb < 0 ? value : (state.nrpnMsb << 7) | value;
        break;
    case rpnMsbCc:
    case rpnLsbCc:
        state.nrpn = -1; // data entry now belongs to a registered parameter, not ours
        state.nrpnMsb = -1;
        break;
    case dataEntryMsbCc:
        if (state.nrpn >= 0) {
            state.dataMsb = value;
            if (!state.dataLsbSeen)
                each(Kind::Nrpn, state.nrpn, channel, travel, value >= 64, current, out);
        }
        break;
    case dataEntryLsbCc:
        if (state.nrpn >= 0) {
            state.dataLsbSeen = true;
            const double fine = ((state.dataMsb << 7) | value) / double(midi::maxFourteenBit);
            each(Kind::Nrpn, state.nrpn, channel, fine, state.dataMsb >= 64, current, out);
        }
        break;
    default:
        break;
    }
}

void MidiMapper::each(Kind kind, int number, int channel, double travel, bool pressed,
    const std::function<std::optional<double>(const std::string&)>& current, std::vector<MidiAction>& out)
{
    for (std::size_t i = 0; i < mappings_.size(); ++i) {
        const midi::MidiSource& source = mappings_[i].mapping.source;
        if (source.kind == kind && source.number == number && (source.channel == 0 || source.channel == channel))
            act(i, travel, pressed, current, out);
    }
}

void MidiMapper::act(std::size_t index, double travel, bool pressed,
    const std::function<std::optional<double>(const std::string&)>& current, std::vector<MidiAction>& out)
{
    const BoundMapping& bound = mappings_[index];
    const midi::MappedRange& range = bound.range;
    Knob& knob = knobs_[index];
    if (bound.mapping.source.kind == Kind::Program) {
        out.push_back({MidiAction::Kind::Recall, index, bound.mapping.scene, 0.0});
        return;
    }
    const std::string& address = bound.mapping.address;
    switch (range.curve) {
    case midi::Curve::Toggle: {
        const bool press = pressed && !knob.held;
        knob.held = pressed;
        if (!press)
            return;
        // Flipped from the value as it is now, so a tablet's change in between is not undone.
        const double now = current(address).value_or(range.min);
        const bool on = std::abs(now - range.max) < std::abs(now - range.min);
        out.push_back({MidiAction::Kind::Set, index, address, on ? range.min : range.max});
        return;
    }
    case midi::Curve::Momentary:
        if (pressed == knob.held)
            return;
        knob.held = pressed;
        out.push_back({MidiAction::Kind::Set, index, address, pressed ? range.max : range.min});
        return;
    default:
        break;
    }
    if (travel < 0.0)
        return; // a note's release: a velocity-mapped value stays where the note put it
    if (bound.mapping.pickup && !knob.engaged) {
        // Soft takeover: a knob that does not stand where the value is acts only once it meets
        // it (comes within the window, or passes it), so a live value never jumps to the knob.
        if (const auto now = current(address)) {
            const double at = midi::travelOf(range, *now);
            const bool near = std::abs(travel - at) <= pickupWindow;
            const bool crossed = knob.lastTravel && (*knob.lastTravel - at) * (travel - at) <= 0.0;
            knob.lastTravel = travel;
            if (!near && !crossed)
                return;
        }
        knob.engaged = true;
    }
    knob.lastTravel = travel;
    out.push_back({MidiAction::Kind::Set, index, address, midi::valueAt(range, travel)});
}

void MidiMapper::feedback(std::size_t index, double value, std::vector<midi::MidiMessage>& out) const
{
    if (index >= mappings_.size())
        return;
    const BoundMapping& bound = mappings_[index];
    const midi::MidiSource& source = bound.mapping.source;
    const int channel = source.channel == 0 ? 0 : source.channel - 1;
    const double travel = midi::travelOf(bound.range, value);
    switch (source.kind) {
    case Kind::Cc:
        out.push_back(midi::controlChange(channel, source.number, toSteps(travel, midi::maxSevenBit)));
        break;
    case Kind::Cc14: {
        const int v = toSteps(travel, midi::maxFourteenBit);
        out.push_back(midi::controlChange(channel, source.number, v >> 7));
        out.push_back(midi::controlChange(channel, source.number + lsbOffset, v & 0x7F));
        break;
    }
    case Kind::Nrpn: {
        const int v = toSteps(travel, midi::maxFourteenBit);
        out.push_back(midi::controlChange(channel, nrpnMsbCc, source.number >> 7));
        out.push_back(midi::controlChange(channel, nrpnLsbCc, source.number & 0x7F));
        out.push_back(midi::controlChange(channel, dataEntryMsbCc, v >> 7));
        out.push_back(midi::controlChange(channel, dataEntryLsbCc, v & 0x7F));
        break;
    }
    case Kind::Note:
        // Pads light by velocity: full on, or a note-on of velocity 0 (off) — what pad
        // controllers with LEDs read.
        out.push_back(midi::noteOn(channel, source.number, travel >= 0.5 ? midi::maxSevenBit : 0));
        break;
    case Kind::Program:
        break;
    }
}

} // namespace backline::control
