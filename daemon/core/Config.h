// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>

/// Every compile-time limit of the daemon, in one place.
namespace backline::config {

/// Largest block the engine accepts; JACK periods and offline blocks are at most this.
inline constexpr std::uint32_t maxBlockFrames = 8192;
/// Control → audio commands that can wait for the next block.
inline constexpr std::size_t commandQueueCapacity = 8192;
/// Audio → control events that can wait for the maintenance thread.
inline constexpr std::size_t eventQueueCapacity = 4096;
/// Time a continuous parameter takes to reach a new value (linear ramp).
inline constexpr double smoothingSeconds = 0.020;
/// While a DSP's parameter ramps, its compute() runs in slices this long so the
/// control-rate zones follow the ramp closely. 8: an EQ band's gain swept from -18 to +18 dB
/// over 20 ms steps 0.3 dB a slice, 1.11 of the click bound (tests/engine/StripSmoothingTest.cpp);
/// at 16 it stepped 0.6 dB, 1.249 of it.
inline constexpr std::uint32_t smoothingSliceFrames = 8;
/// While a morph runs, the engine renders in stretches of at most this many frames and moves
/// each morphing parameter at every stretch (2.7 ms at 48 kHz): its steps stay this short
/// whatever the block size, and each parameter's own smoothing joins them into a curve.
inline constexpr std::uint32_t morphSliceFrames = 128;
/// The longest fade a morph may take.
inline constexpr double maxMorphSeconds = 3600.0;
/// Changes quantised to the transport's next beat or bar line (scene recalls) waiting at once.
inline constexpr std::size_t maxLineCommands = 64;
/// A reload crossfades the old graph into the new one over this long (both run meanwhile), so
/// a session edit mid-show neither clicks nor cuts a reverb tail dead.
inline constexpr double reloadCrossfadeSeconds = 0.030;
/// Audio → meter thread: one event per meter per block (tracks + buses + master).
inline constexpr std::size_t meterQueueCapacity = 32768;
/// Timed commands (OSC bundles with future timetags) the engine holds at once.
inline constexpr std::size_t maxTimedCommands = 1024;
/// Timed transport requests (a tempo or meter change, a locate at a frame) held at once.
inline constexpr std::size_t maxTimedTransportRequests = 64;
/// Section starts the engine keeps for the show until it takes them (the oldest go first).
inline constexpr std::size_t maxSectionStartsKept = 256;
/// Landings of tagged batches (scene recalls) kept until the daemon takes them (the oldest go first).
inline constexpr std::size_t maxLandingsKept = 256;
/// Default UDP port of the OSC server.
inline constexpr int defaultOscPort = 9000;
/// Offline render block size (the same engine code path as a JACK period).
inline constexpr std::uint32_t offlineBlockFrames = 256;
/// Tracks a session may hold.
inline constexpr std::size_t maxTracks = 512;
/// Engine input channels (JACK input ports) a graph may have: every track takes at most two.
inline constexpr std::size_t maxInputChannels = maxTracks * 2;
/// Buses (aux and group) a session may hold.
inline constexpr std::size_t maxBuses = 64;
/// Nodes a graph may have (rt/ProcessNode.h): every track, every bus, the master, with room
/// for what comes next.
inline constexpr std::size_t maxGraphNodes = 1024;
/// A bus whose input has been silent and whose DSP's output has stayed under silenceFloor this
/// long stops computing its DSP until its input sounds again (a bus's `sleep` key; the
/// built-in delay's longest gap between echoes is 2 s).
inline constexpr double busSleepSeconds = 10.0;
/// The most voices an instrument track may have (`voices`).
inline constexpr int maxVoices = 64;
/// The widest pitch bend range a session may give an instrument (`bend`), in semitones.
inline constexpr double maxBendSemitones = 48.0;
/// A stolen voice fades out over this long, so a note taken for another never clicks.
inline constexpr double voiceStealSeconds = 0.005;
/// A released voice whose output stayed under silenceFloor this long is done: it is not
/// computed again until a note starts on it.
inline constexpr double voiceQuietSeconds = 0.050;
/// The longest `sleep` a session may give a bus (beyond it: `never`).
inline constexpr double maxBusSleepSeconds = 3600.0;
/// Quieter than this is silence to a sleeping bus: 2^-24, the last bit of 24-bit audio
/// (-144.5 dBFS).
inline constexpr float silenceFloor = 1.0f / 16777216.0f;
/// Threads that may run a graph's nodes at once (the session's `workers`), the audio thread
/// included.
inline constexpr int maxWorkers = 64;

/// Chunks of raw bytes (7 each, one RtMidi message in one or more) that one hardware MIDI
/// input's callback can queue for the midi-in thread before it drops: a second of a dense
/// controller stream (1000 short messages a second) should the thread stall that long.
inline constexpr std::size_t midiInputQueueChunks = 1024;
/// After its JACK server went away, MIDI devices wait this long before opening a JACK client
/// again: libjack deletes every client of the process still open at the first open after a
/// server died, so everything else in the process (the daemon's own client) must have closed
/// its dead one by then.
inline constexpr double midiJackRetrySeconds = 2.0;
/// A hardware keyboard's note (RtMidi) plays this long after it arrived, on the engine frame due
/// then: every note keeps its spacing to the others (no jitter of a period) as long as a JACK
/// period is shorter (288 frames at 48 kHz); with longer periods a late note plays at the start
/// of the next block. 6 ms is what a player standing 2 m from the speakers hears anyway.
inline constexpr double midiDeviceDelaySeconds = 0.006;

} // namespace backline::config
