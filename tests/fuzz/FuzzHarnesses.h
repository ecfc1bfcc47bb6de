// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>

/// libFuzzer harnesses: each takes arbitrary bytes, never fails on bad input, and aborts (so the
/// fuzzer reports a crash) only when backline breaks a promise. The same functions replay the
/// seed corpus and past crashes in fuzz_replay_tests.
namespace backline::fuzz {

/// One OSC packet (message or bundle) as it arrives from the network: the server's parser
/// (control::parsePacket; for TCP, StreamDecoder's framing first), OscDispatcher's address and
/// argument checks with bundles batched and applied all-or-none (at a future frame when
/// stamped), ParamControl over a real Engine running an offline session, the replies written,
/// then one audio block rendered. The first byte picks how the rest is read: raw packet bytes,
/// a message or bundle assembled from an address in the running parameter table or
/// control/OSC.md with fuzzed arguments, or a TCP byte stream. Aborts on non-finite audio or an
/// /error without a message.
int fuzzOsc(const std::uint8_t* data, std::size_t size);

/// One session file's text through session::loadSessionText; a session that loads is built into
/// a graph (built-in DSP only; sessions of more than 16 tracks and buses skip this) and run for
/// two blocks. Aborts when an error message does not start with the file's name, or on
/// non-finite audio.
int fuzzSession(const std::uint8_t* data, std::size_t size);
/// What the web server reads itself out of a request or a WebSocket text message: the first
/// byte picks which. A request's target (parseTarget: aborts when a path that climbs out of the
/// page's folder gets through, or a refusal gives no reason), then OSCQuery's answer to it
/// (aborts on a status OSCQuery does not name or a body that is not JSON), the PIN cookie and
/// form; a text message as OSCQuery's LISTEN/IGNORE (aborts unless it becomes exactly one
/// /listen or /ignore message with one string); or the frames that follow a WebSocket's
/// handshake, through Beast with the session's settings (aborts when a message larger than an
/// OSC packet may be gets through), each message then read as the session reads it.
int fuzzWeb(const std::uint8_t* data, std::size_t size);
/// Raw MIDI bytes as a port delivers them (the first byte picks how they are cut into buffers)
/// through midi::MidiParser. Aborts when a message comes out that is not whole and valid (a size
/// other than expectedSize(status), a data byte of 0x80 or above), when cutting the stream
/// differently changes what comes out or the counters, or when a well-formed note-on after the
/// input does not come out as itself.
int fuzzMidi(const std::uint8_t* data, std::size_t size);

} // namespace backline::fuzz
