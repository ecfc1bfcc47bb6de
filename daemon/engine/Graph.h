// SPDX-License-Identifier: GPL-3.0-or-later
// Graph: the processing graph a session becomes. Built whole off the audio thread
// (GraphBuilder), then its mutable state (ramps, DSP state, buffers) is the audio thread's until
// the graph is retired; the control side reads only its immutable parts.
#pragma once

#include "engine/AudioBuffer.h"
#include "engine/NodeOrder.h"
#include "engine/ParamTable.h"
#include "engine/rt/Instrument.h"
#include "engine/rt/Morphs.h"
#include "engine/rt/ParamSlot.h"
#include "engine/rt/ProcessNode.h"
#include "engine/rt/Smoother.h"
#include "faust/DspFactory.h"
#include "midi/MidiParser.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace backline::engine {

/// One DSP instance in the graph, with the buffers it reads and writes.
struct DspStage {
    std::unique_ptr<faust::DspInstance> dsp;
    AudioBuffer in;                    ///< numInputs channels, filled by channel mapping (a session's DSP only)
    AudioBuffer out;                   ///< numOutputs channels
    std::vector<ParamId> rampedParams; ///< parameters the engine smooths for this stage
    /// A session's own DSP: its output is checked every block for NaN, infinity and values past
    /// +96 dBFS (such a block is silenced and the DSP's state reset). Built-ins are proven by
    /// DspHygiene instead.
    bool guarded = false;
    std::string label; ///< who it is, for the log: "track 'lead' (/path/x.dsp)"
};

/// Index meaning "the master bus" where a bus index is expected.
inline constexpr std::size_t masterDestination = std::numeric_limits<std::size_t>::max();

/// A track's send to an aux bus: level in dB and pre/post, both gliding.
struct SendNode {
    std::size_t bus = 0;
    float levelDb = -120.0f; ///< parameter zone
    float pre = 0.0f;        ///< parameter zone: 1 pre-fader, 0 post-fader
    Smoother level;          ///< linear send gain
    Smoother preMix;         ///< 1: pre-fader signal, 0: post-fader
};

/// One of a track's output assignments (the master or a group bus), switchable without a click.
struct RouteNode {
    std::size_t destination = masterDestination;
    float on = 0.0f; ///< parameter zone
    Smoother gain;
};

/// A node's levels over one stretch (peak and energy per side), left by the node for the audio
/// thread to send to the meters in meter order.
struct MeterReading {
    float peak[2] {};
    float sumSquares[2] {};
};

/// What a bus or the master sums, in the order it sums them (so the sum is the same bits
/// whichever threads ran the tracks): a track's send or route, or a bus's output.
struct Feed {
    enum class Kind : std::uint8_t { Send, Route, Bus };
    Kind kind = Kind::Route;
    std::uint32_t from = 0; ///< track index (Send, Route) or bus index (Bus)
    std::uint32_t slot = 0; ///< the track's send or route index
};

/// One switchable section of a channel strip (high-pass, gate, EQ, compressor): a DSP of its
/// own, computed only while it is on, warming up or fading. Off and faded out, it costs nothing
/// and its input passes untouched (rt/TrackProcess.cpp).
struct StripSection {
    std::size_t stage = 0;           ///< its DSP stage (channels → channels)
    float on = 0.0f;                 ///< parameter zone: `<section>/on`
    Smoother mix;                    ///< 0: its input passes; 1: its output; glides over 20 ms
    std::uint32_t warmupFrames = 0;  ///< switched on from off, it runs unheard this long first
    std::uint32_t warming = 0;       ///< frames of that warm-up left
    bool running = false;            ///< computed this stretch
};

/// A track: inputs → optional DSP → channel strip (trim and polarity, then its sections) →
/// fader/pan → mute/solo gate, leaving its post-fader (and, when a send wants it, pre-fader)
/// signal for the buses and the master that its routes and sends feed, which read it
/// themselves (rt/TrackProcess.cpp).
struct TrackNode final : ProcessNode {
    void process(const NodeRun& run, const NodeScratch& scratch) noexcept BACKLINE_NONBLOCKING override;

    std::uint32_t index = 0; ///< in Graph::tracks: its meter id and tap index
    std::string name;
    int channels = 1;
    int inputBase = -1;                ///< first engine input channel, or -1 when it takes none
    std::optional<std::size_t> source; ///< its DSP stage
    /// Its voice DSP played polyphonically (a track with `voices`), instead of a source stage.
    std::unique_ptr<Instrument> instrument;
    float trimDb = 0.0f;               ///< parameter zone: `trim`
    float polarity = 0.0f;             ///< parameter zone: `polarity`
    Smoother inputGain;                ///< trim × polarity, gliding; at exactly 1 nothing is computed
    std::vector<StripSection> sections; ///< the strip's high-pass, gate, EQ and compressor, in that order
    std::size_t fader = 0;             ///< fader stage (channels → 2)
    AudioBuffer signal;                ///< channels × maxFrames: the source's output, then trimmed
    float* stripOut[2] {};             ///< this stretch: the strip's output (pre-fader), wherever it is
    AudioBuffer preStereo;             ///< 2 × maxFrames: the pre-fader signal for sends
    std::optional<std::filesystem::path> inputFile; ///< offline renders feed the inputs from it
    float mute = 0.0f; ///< parameter zone
    float solo = 0.0f; ///< parameter zone
    Smoother audible;  ///< mute and solo, gliding
    std::vector<SendNode> sends;
    std::vector<RouteNode> routes;
    bool anyPre = false;  ///< this stretch, preStereo holds the pre-fader signal a send reads
    MeterReading meter;   ///< this stretch's post-fader levels
};

/// A stereo bus: its feeds summed → optional DSP → fader/balance → mute/solo gate, left for
/// the master to read (rt/BusProcess.cpp).
struct BusNode final : ProcessNode {
    void process(const NodeRun& run, const NodeScratch& scratch) noexcept BACKLINE_NONBLOCKING override;

    std::uint32_t index = 0; ///< in Graph::buses: its meter id is tracks.size() + index
    std::string name;
    bool aux = true;                ///< aux (fed by sends) or group (fed by tracks' routes)
    std::optional<std::size_t> dsp; ///< its DSP stage
    std::size_t fader = 0;          ///< fader_stereo stage
    AudioBuffer input;              ///< 2 × maxFrames, summed into each block
    float mute = 0.0f;     ///< parameter zone
    float solo = 0.0f;     ///< parameter zone
    float soloSafe = 0.0f; ///< parameter zone
    Smoother audible;
    std::vector<Feed> feeds; ///< the tracks' sends (aux) or routes (group) into it, by track
    /// Its DSP asleep: its input and output silent this long, it is not computed until the
    /// input sounds again (rt/BusSleep.h). UINT64_MAX: never.
    std::uint64_t sleepAfterFrames = UINT64_MAX;
    std::uint64_t quietFrames = 0; ///< frames in a row its DSP had nothing in and nothing out
    bool asleep = false;
    MeterReading meter;      ///< this stretch's output levels
};

/// The master: the tracks routed to it and every bus summed → the session's master DSP, if
/// any → the built-in master chain (rt/MasterProcess.cpp). Its output is masterOutput().
struct MasterNode final : ProcessNode {
    void process(const NodeRun& run, const NodeScratch& scratch) noexcept BACKLINE_NONBLOCKING override;

    std::vector<Feed> feeds; ///< tracks' master routes by track, then every bus
};

/// A MIDI input port of the graph (JACK MIDI): an instrument's notes.
struct MidiInput {
    std::string name;         ///< the port's short name: the track's name and `_midi_in`
    std::uint32_t track = 0;  ///< the instrument track it plays
    int channel = 0;          ///< the MIDI channel it listens on, 1–16; 0: every channel
    std::vector<std::string> connections; ///< patterns of the JACK MIDI ports to connect to it
    midi::MidiParser parser;  ///< the audio thread's: a message split over events still arrives whole
};

/// backline's own MIDI ports for the whole session (`midi.jack_in`, `jack_out`, `clock`):
/// controllers in, their feedback out, and the transport's beat clock out.
struct SessionMidiPorts {
    std::string inName = "midi_in";       ///< read as the controllers are (the mappings)
    std::string outName = "midi_out";     ///< the mappings' feedback
    std::string clockName = "clock_out";  ///< MIDI beat clock
    std::vector<std::string> inConnections;    ///< patterns of JACK MIDI outputs to connect to midi_in
    std::vector<std::string> outConnections;   ///< patterns of JACK MIDI inputs midi_out connects to
    std::vector<std::string> clockConnections; ///< the same for clock_out
    bool clockOut = false;         ///< clock_out carries the clock
    bool clockWhileStopped = true; ///< ticks while the transport stands too
    bool clockIn = false;          ///< the transport follows a beat clock on midi_in
};

/// Where the audio thread can copy audio out (meters, loudness, recording).
struct TapPoint {
    enum class Kind : std::uint8_t { TrackInput, TrackPost, Bus, Master };
    Kind kind = Kind::Master;
    std::uint32_t index = 0; ///< track or bus index
};

/// A processing graph built whole off the audio thread from a session, then handed to the
/// engine. Once installed the audio thread owns its mutable state (smoothers, ramps, DSP
/// state); the control side only reads its immutable parts (names, table) until it is retired.
struct Graph {
    std::uint64_t generation = 0; ///< unique per build; commands carry it
    int sampleRate = 48000;
    std::uint32_t maxFrames = 0;
    int workers = 0; ///< the session's `workers` (0: not said)

    std::vector<DspStage> stages;
    /// By stage: blocks a guarded stage's output was silenced in (the audio thread counts, the
    /// control side reports).
    std::unique_ptr<std::atomic<std::uint32_t>[]> stageFaults;
    std::vector<TrackNode> tracks;
    std::vector<BusNode> buses;
    std::optional<std::size_t> masterUser; ///< the session's master DSP stage, if any
    std::size_t master = 0;                ///< the built-in master chain stage
    AudioBuffer masterBus;                 ///< sum into the master (2 × maxFrames)
    AudioBuffer silence;                   ///< 1 × maxFrames of zeros for unconnected inputs
    AudioBuffer gains;                     ///< 2 × maxFrames of scratch for the thread that calls renderGraph
    MasterNode masterNode;
    /// Every node (tracks, buses, the master) and which reads which: what the workers run.
    NodeOrder order;

    std::shared_ptr<const ParamTable> params;
    std::vector<ParamSlot> slots;     ///< by ParamId
    Morphs morphs;                    ///< the parameters morphing (audio thread), sized for slots
    std::vector<float> initialValues; ///< by ParamId: the values the graph starts at (the session's, or carried)
    std::vector<float> sessionValues; ///< by ParamId: what the session says (the file's value, or the DSP's default)

    /// Engine input channels: JACK port short names and what each connects to ("" for none).
    std::vector<std::string> inputNames;
    std::vector<std::string> inputConnections;
    /// MIDI input ports, one per instrument track.
    std::vector<MidiInput> midiInputs;
    SessionMidiPorts sessionMidi;
    /// The two master outputs.
    std::array<std::string, 2> outputNames {"out_L", "out_R"};
    /// What the two master outputs connect to: nullopt, the physical playback ports; empty, nothing.
    std::optional<std::vector<std::string>> outputConnections;

    /// Backend's port handles, in the order of inputNames / outputNames (JACK fills them).
    std::vector<void*> inputHandles;
    std::vector<void*> midiInputHandles; ///< in the order of midiInputs
    void* midiInHandle = nullptr;    ///< sessionMidi's three ports
    void* midiOutHandle = nullptr;
    void* clockOutHandle = nullptr;
    std::array<void*, 2> outputHandles {nullptr, nullptr};

    /// Meter ids: tracks first, then buses, then the master (see meterCount()).
    std::size_t meterCount() const noexcept { return tracks.size() + buses.size() + 1; }
};

/// [control] The tap point a name like "track/vox/input", "track/vox/post", "bus/verb" or
/// "master" refers to in graph, if any.
std::optional<TapPoint> findTapPoint(const Graph& graph, const std::string& name);

/// [control] The name of a meter id (as in meterCount()): "track/vox", "bus/verb" or "master".
std::string meterName(const Graph& graph, std::size_t meter);

} // namespace backline::engine
