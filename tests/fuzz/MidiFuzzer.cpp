// SPDX-License-Identifier: GPL-3.0-or-later
// The MIDI harness: raw bytes, as a MIDI port delivers them, through MidiParser, cut into
// buffers the input chooses. What comes out must be whole, valid messages, the same however the
// stream was cut, and no garbage may keep a well-formed note from coming through after it.
#include "FuzzHarnesses.h"
#include "FuzzInput.h"

#include "control/midi/MidiMapper.h"
#include "engine/rt/MidiVoice.h"
#include "engine/rt/Voices.h"
#include "midi/MidiMessage.h"
#include "midi/MidiParser.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

namespace backline::fuzz {

namespace {

using midi::MidiMessage;

[[noreturn]] void fail(const char* why, const MidiMessage& m)
{
    std::fprintf(stderr, "fuzzMidi: %s: message [%02x %02x %02x] of size %u\n", why, m.bytes[0], m.bytes[1],
        m.bytes[2], unsigned(m.size));
    std::abort();
}

[[noreturn]] void fail(const char* why)
{
    std::fprintf(stderr, "fuzzMidi: %s\n", why);
    std::abort();
}

/// Aborts unless m is what the parser promises: as long as its status says (so never SysEx nor
/// an undefined status), every data byte below 0x80, zeros past its size.
void check(const MidiMessage& m)
{
    if (m.size < 1 || m.size > 3 || m.size != midi::expectedSize(m.status()))
        fail("size differs from expectedSize(status)", m);
    for (int i = 1; i < 3; ++i) {
        if (i < m.size && m.bytes[i] >= 0x80)
            fail("a data byte has its top bit set", m);
        if (i >= m.size && m.bytes[i] != 0)
            fail("a byte past the message's size is not zero", m);
    }
}

/// What the messages ask of an instrument: through the one MIDI → VoiceEvent translation into
/// a voice allocator (poly, mono or legato, listening on a channel, as the cut byte says), which
/// must take whatever comes: every event in range, never more notes than the polyphony, no note
/// left held after a panic.
void play(const std::vector<MidiMessage>& messages, std::uint8_t cut)
{
    engine::Voices voices;
    const auto mode = engine::VoiceMode(cut % 3);
    const std::size_t polyphony = mode == engine::VoiceMode::Poly ? 1u + cut % 8u : 1u;
    voices.prepare(std::uint32_t(polyphony), mode, 64, 256);
    // What the instrument does after each stretch it computed.
    auto computed = [&] {
        for (std::size_t v = 0; v < voices.slots(); ++v) {
            if (voices.voice(v).start)
                voices.started(v);
            if (voices.voice(v).state != engine::Voice::State::Free)
                voices.after(v, 16, v % 3 == 0 ? 0.5f : 0.0f);
        }
        voices.releaseDue();
    };
    std::uint64_t frame = 0;
    for (const MidiMessage& m : messages) {
        engine::VoiceEvent events[2];
        const std::size_t n = engine::voiceEventsOf(m, cut % 17, ++frame, events);
        for (std::size_t k = 0; k < n; ++k) {
            if (events[k].note > 127 || !(events[k].value >= -1.0f && events[k].value <= 1.0f))
                fail("a MIDI message made an event out of range", m);
            voices.apply(events[k]);
        }
        if (frame % 2 == 0)
            computed(); // and sometimes two messages on one frame
        std::size_t playing = 0;
        for (std::size_t v = 0; v < voices.slots(); ++v)
            playing += voices.voice(v).state != engine::Voice::State::Free
                && voices.voice(v).state != engine::Voice::State::Stolen;
        if (playing > polyphony)
            fail("more notes play than the polyphony", m);
    }
    voices.apply({engine::VoiceEvent::Kind::Panic, 0, 0.0f, 0});
    computed();
    for (std::size_t v = 0; v < voices.slots(); ++v) {
        const auto state = voices.voice(v).state;
        if (state == engine::Voice::State::Held || state == engine::Voice::State::Sustained)
            fail("a note is still held after a panic");
    }
}

/// What the messages do through the mapping layer: a controller's 7-bit, 14-bit and NRPN
/// knobs, pads and program changes on every curve, with and without soft takeover, on a
/// channel or all of them (as the cut byte says). Every value set must lie in its mapping's
/// range, and the feedback for it must be whole, valid messages. (That feedback gives the value
/// back within a step is MidiMapper's own test: FeedbackMovesTheKnobWhereItsMessageGivesTheValueBack.)
void map(const std::vector<MidiMessage>& messages, std::uint8_t cut)
{
    using Kind = midi::MidiSource::Kind;
    using midi::Curve;
    const int channel = cut % 2 == 0 ? 0 : 1 + cut % 16;
    auto bound = [&](Kind kind, int number, Curve curve, double min, double max, bool pickup) {
        control::BoundMapping b;
        b.mapping.source = {kind, number, channel};
        b.mapping.address = "/p" + std::to_string(number) + midi::toString(kind);
        b.mapping.scene = "s";
        b.mapping.pickup = pickup;
        b.range = {curve, min, max};
        return b;
    };
    std::vector<control::BoundMapping> mappings {
        bound(Kind::Cc, 7, Curve::Db, -60.0, 6.0, true),
        bound(Kind::Cc, 64, Curve::Momentary, 0.0, 1.0, false),
        bound(Kind::Cc, 20, Curve::Toggle, 0.0, 1.0, false),
        bound(Kind::Cc14, 1, Curve::Log, 20.0, 20000.0, true),
        bound(Kind::Cc14, 6, Curve::Linear, 1.0, -1.0, false), // the data entry MSB, reversed
        bound(Kind::Nrpn, 1000, Curve::Linear, -1.0, 1.0, false),
        bound(Kind::Nrpn, 0, Curve::Log, 0.1, 10.0, true),
        bound(Kind::Note, 36, Curve::Toggle, 0.0, 1.0, false),
        bound(Kind::Note, 60, Curve::Linear, 0.0, 1.0, false),
        bound(Kind::Program, 3, Curve::Linear, 0.0, 1.0, false),
    };
    control::MidiMapper mapper;
    mapper.setMappings(mappings);
    std::map<std::string, double> values;
    const auto current = [&](const std::string& a) -> std::optional<double> {
        const auto it = values.find(a);
        return it == values.end() ? std::nullopt : std::optional<double>(it->second);
    };
    std::vector<control::MidiAction> actions;
    std::vector<MidiMessage> feedback;
    std::size_t n = 0;
    for (const MidiMessage& m : messages) {
        actions.clear();
        mapper.handle(m, current, actions);
        for (const auto& action : actions) {
            if (action.mapping >= mappings.size())
                fail("an action names no mapping", m);
            const auto& b = mappings[action.mapping];
            if (action.kind == control::MidiAction::Kind::Recall) {
                if (b.mapping.source.kind != Kind::Program || action.target != "s")
                    fail("a recall came from what is not a program change", m);
                continue;
            }
            const double lo = std::min(b.range.min, b.range.max);
            const double hi = std::max(b.range.min, b.range.max);
            if (!(action.value >= lo && action.value <= hi))
                fail("a mapping set a value outside its range", m);
            values[action.target] = action.value;
            feedback.clear();
            mapper.feedback(action.mapping, action.value, feedback);
            for (const auto& f : feedback)
                check(f);
        }
        if (++n % 7 == 0)
            mapper.releasePickup(n % mappings.size()); // a tablet moved something
    }
}

/// Where each message goes: checked, and kept for the voice allocator and the mapping layer.
void deliver(const MidiMessage& m, std::vector<MidiMessage>& received)
{
    check(m);
    received.push_back(m);
}

} // namespace

int fuzzMidi(const std::uint8_t* data, std::size_t size)
{
    // The first byte chooses the buffers: 0 sends the rest in one; n cuts it into buffers of 1
    // to n bytes, their sizes from a small generator seeded by n (so running status, SysEx and
    // interrupted messages straddle buffer ends in ever other places).
    FuzzInput in(data, size);
    const std::uint8_t cut = in.byte();
    const std::span<const std::uint8_t> stream(in.rest(), in.remaining());

    midi::MidiParser parser;
    std::vector<MidiMessage> received;
    std::uint32_t state = cut;
    for (std::size_t at = 0; at < stream.size();) {
        std::size_t n = stream.size() - at;
        if (cut != 0) {
            state = state * 1664525u + 1013904223u;
            n = std::min<std::size_t>(n, 1 + (state >> 16) % cut);
        }
        parser.parse(stream.subspan(at, n), [&](const MidiMessage& m) { deliver(m, received); });
        at += n;
    }

    // The same stream byte by byte through push(): how it was cut changes nothing.
    midi::MidiParser reference;
    std::size_t matched = 0;
    for (const std::uint8_t byte : stream) {
        MidiMessage m;
        if (!reference.push(byte, m))
            continue;
        if (matched == received.size() || !(received[matched] == m))
            fail("cutting the stream into buffers changed what came out", m);
        ++matched;
    }
    if (matched != received.size())
        fail("cutting the stream into buffers made more messages");
    if (reference.droppedBytes() != parser.droppedBytes() || reference.truncatedSysex() != parser.truncatedSysex())
        fail("cutting the stream into buffers changed the counters");

    // The counters count bytes of the input, and SysEx messages that began in it.
    std::size_t sysexStarts = 0;
    for (const std::uint8_t byte : stream)
        sysexStarts += byte == midi::kind::sysexStart;
    if (parser.droppedBytes() > stream.size() || parser.truncatedSysex() > sysexStarts)
        fail("a counter counts more than the input holds");

    play(received, cut);
    map(received, cut);

    // Whatever came before, a whole note-on comes through as itself.
    const std::uint8_t note[] = {0x95, 0x40, 0x7F};
    std::vector<MidiMessage> after;
    parser.parse(note, [&](const MidiMessage& m) { after.push_back(m); });
    if (after.size() != 1 || !(after[0] == midi::noteOn(5, 0x40, 0x7F)))
        fail("a note-on after the input did not come out as itself");

    // After a reset nothing is left over: no running status for bare data bytes to use.
    parser.reset();
    const std::uint8_t bare[] = {0x40, 0x7F};
    parser.parse(bare, [](const MidiMessage& m) { fail("data bytes after a reset made a message", m); });
    return 0;
}

} // namespace backline::fuzz
