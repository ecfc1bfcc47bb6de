// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/AddressRange.h"
#include "core/Config.h"
#include "core/RecordFormat.h"
#include "core/Result.h"
#include "core/TransportRules.h"
#include "midi/MidiMapping.h"
#include "port/ConnectionRule.h"
#include "port/ScenePort.h"
#include "session/SongSpec.h"
#include "session/SourceLocation.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// A session as plain values: what the loader produces and the graph builder consumes.
/// The engine never sees YAML; every field here has a default a session may omit.
namespace backline::session {

/// The DSP a track or the master runs besides its built-in strip or chain.
struct DspSpec {
    enum class Kind {
        None,    ///< no DSP: the track passes its inputs to the strip
        Builtin, ///< a DSP compiled ahead of time from faust/, by name (e.g. "tone")
        File,    ///< a .dsp file compiled at load by libfaust's LLVM backend
    };
    Kind kind = Kind::None;
    std::string builtin;        ///< Kind::Builtin: the catalogue name
    std::filesystem::path file; ///< Kind::File: absolute (resolved against the session's folder)
    SourceLocation where;       ///< of the `dsp:` value
};

/// An initial value for one of the DSP's own parameters, by Faust path relative to the DSP
/// (as in `/track/<name>/dsp/<path>`).
struct DspParamSpec {
    std::string path;
    double value = 0.0;
    SourceLocation where;
};

/// A value for one of a built-in's own controls (the channel strip or the master chain), by
/// path, e.g. "eq/mid1/gain" → /track/<name>/eq/mid1/gain.
using BuiltinParamSpec = DspParamSpec;

/// A track's send to an aux bus.
struct SendSpec {
    std::string bus;        ///< an aux bus's name
    double levelDb = 0.0;   ///< -120 (off) … 12
    bool pre = false;       ///< pre-fader (true) or post-fader (false)
    SourceLocation where;   ///< of the `bus:` value
};

/// What tracks and buses have alike: the keys `name`, `dsp`, `params`, `gain`, `pan`, `mute`
/// and `solo`, read by one reader for both (ChannelReader).
struct ChannelSpec {
    std::string name;                    ///< unique among its kind; [A-Za-z0-9_-]+ so it can stand in an OSC address
    DspSpec dsp;                         ///< a track's DSP before its strip; a bus's effect or processing
    std::vector<DspParamSpec> dspParams; ///< initial values of the DSP's parameters
    double gainDb = 0.0;                 ///< fader, dB
    double pan = 0.0;                    ///< -1 (left) … 1 (right): a mono track's pan, a pair's balance
    bool mute = false;
    bool solo = false;
};

/// How a track plays its DSP as an instrument (a track with `voices`).
struct InstrumentSpec {
    enum class Mode { Poly, Mono, Legato };
    int voices = 1;             ///< notes sounding at once (`voices`); Mono and Legato play one
    Mode mode = Mode::Poly;     ///< `mode`: poly, mono (each note retriggers) or legato
    double bendSemitones = 2.0; ///< `bend`: the pitch bend's range either way, in semitones
    int midiChannel = 0;        ///< `midi.channel`: 1–16, or 0 for every channel
    /// `midi.inputs`: patterns (POSIX extended regular expressions) of the JACK MIDI ports its
    /// MIDI input is connected to, e.g. "a2j:Keystation.*".
    std::vector<std::string> midiInputs;
    /// `midi.devices`: hardware MIDI ports (RtMidi, through the session's `midi.api`) whose
    /// notes play it, each a whole port name or a POSIX extended regular expression.
    std::vector<std::string> midiDevices;
    SourceLocation where;       ///< of the `voices:` value
};

/// One channel of the mixer: inputs → optional DSP → channel strip → fader/pan → master or a group bus.
struct TrackSpec : ChannelSpec {
    int channels = 1;                    ///< 1 (mono, panned) or 2 (stereo, balanced)
    std::vector<std::string> inputs;     ///< JACK ports connected to the track's inputs, one per channel at most
    std::optional<std::filesystem::path> inputFile; ///< offline renders read the track's input from this file
    /// Its DSP is a voice played by notes (`voices`), made polyphonic by the engine.
    std::optional<InstrumentSpec> instrument;
    std::vector<BuiltinParamSpec> strip; ///< channel strip controls (trim, hpf/…, eq/…, comp/…, gate/…)
    std::vector<SendSpec> sends;
    std::string output;                  ///< a group bus's name; empty: the master
    SourceLocation outputWhere;
    SourceLocation where; ///< of the track's entry
};

/// A bus: aux buses take sends and return an effect; group buses take whole tracks (their
/// `output`). Both are stereo and return to the master.
struct BusSpec : ChannelSpec {
    enum class Kind { Aux, Group };
    Kind kind = Kind::Aux;
    bool soloSafe = false; ///< not muted when something else is soloed (effect returns)
    /// Seconds of silence (input silent, DSP output under config::silenceFloor) after which
    /// its DSP stops computing until the input sounds again (`sleep`); infinity: `never`.
    double sleepSeconds = config::busSleepSeconds;
    SourceLocation where;  ///< of the `name:` value (of the bus's entry when it has none)
};

/// The master bus: sum of tracks → optional DSP → built-in master chain → outputs.
struct MasterSpec {
    DspSpec dsp;
    std::vector<DspParamSpec> dspParams;
    std::vector<BuiltinParamSpec> chain; ///< master chain controls (eq/…, comp/…, limiter/…)
    double gainDb = 0.0;
    /// JACK ports the two master outputs connect to (left, right). nullopt (no `outputs` key):
    /// the first physical playback ports; an empty list (`outputs: []`): none.
    std::optional<std::vector<std::string>> outputs;
    SourceLocation where;
};

/// Settings of the OSC server.
struct OscSpec {
    int port = 9000;
    /// Client addresses and subnets the server answers (`osc.allow`); nullopt when the session
    /// does not say (then /etc/backline/osc-allow, else loopback and private LAN ranges).
    std::optional<std::vector<AddressRange>> allow;
    /// Messages per second one client may send (`osc.client_rate`); nullopt: the server's default.
    std::optional<double> clientRate;
    /// Reply bytes per second one client address (UDP) or connection (TCP) may be sent
    /// (`osc.reply_rate`); nullopt: the server's default.
    std::optional<double> replyRate;
    /// Seconds a TCP connection may send nothing before it is closed (`osc.tcp_idle_timeout`);
    /// nullopt: the server's default.
    std::optional<double> tcpIdleTimeout;
    /// UDP and TCP clients must give the PIN (`/auth s:pin`) before anything but /ping
    /// (`osc.require_pin`); needs `web.pin` or `web.pin_file`.
    bool requirePin = false;
};

/// The web surface (`web:`): backlined serves the page and OSC over a WebSocket (control/web).
struct WebSpec {
    /// TCP port (`web.port`); nullopt: no web surface (unless --web-port asks for one).
    std::optional<int> port;
    /// The PIN a browser (and, with osc.require_pin, an OSC client) must give: `web.pin`, or
    /// the first line of `web.pin_file` read when the session loads. Empty: no PIN.
    std::string pin;
    /// `web.pin_file` as resolved (absolute), when the PIN comes from a file.
    std::optional<std::filesystem::path> pinFile;
    /// `web.announce`: announce the web port (OSCQuery) and the OSC port over mDNS/DNS-SD.
    bool announce = true;
};

/// One source a take records, as written (`track/vox/input`, `track/*/post`, `bus/verb`, `master`).
struct RecordSourceSpec {
    std::string id;
    SourceLocation where;
};

/// How and what `/record/start` records (daemon/record). Present only when the session has
/// a `record:` map.
struct RecordSpec {
    std::filesystem::path folder;  ///< absolute (resolved against the session's folder)
    std::string format {record::formatName(record::defaultFileFormat)}; ///< rf64 | wav | w64 | caf | flac
    int bits = record::bitsValue(record::defaultSampleBits);            ///< 16 | 24 | 32 (float)
    double ringSeconds = record::ringSecondsRange.byDefault;
    double prerollSeconds = record::prerollSecondsRange.byDefault;
    int minFreeMb = int(record::minFreeMbRange.byDefault);
    double headerRefreshSeconds = record::headerRefreshSecondsRange.byDefault;
    std::vector<RecordSourceSpec> sources;
    SourceLocation where;
};

/// The hardware MIDI API the `midi:` section asks for.
enum class MidiApi { Auto, Alsa, Jack };

/// One entry of `midi.map`: a controller bound to a parameter, or a program change to a scene.
struct MidiMapSpec {
    midi::MidiMapping mapping;
    SourceLocation where; ///< of the entry (the address and range are checked once the graph is built)
};

/// `midi:` — hardware control surfaces through RtMidi: the ports, feedback and the mappings.
struct MidiSpec {
    MidiApi api = MidiApi::Auto;
    std::vector<std::string> inputs;  ///< controllers' port patterns (RtMidi port names)
    std::vector<std::string> outputs; ///< where feedback goes: motorised faders, LED rings
    double feedbackRate = 30.0;       ///< feedback messages per second per mapping, at most
    bool programScenes = true;        ///< a program change with no mapping recalls the scene at its place
    std::vector<MidiMapSpec> map;
    /// JACK MIDI outputs connected to backline:midi_in, read as the controllers are (`jack_in`).
    std::vector<std::string> jackIn;
    /// JACK MIDI inputs backline:midi_out feeds: the mappings' feedback (`jack_out`).
    std::vector<std::string> jackOut;
    /// MIDI beat clock on backline:clock_out (`clock:`).
    struct Clock {
        bool out = false;                 ///< sent at all
        bool whileStopped = true;         ///< ticks while the transport stands too
        bool in = false;                  ///< the transport follows a beat clock on midi_in
        std::vector<std::string> connect; ///< JACK MIDI inputs clock_out is connected to
        bool operator==(const Clock&) const = default;
    } clock;
    /// The instruments hardware keyboards play: each track with `midi.devices`, and those
    /// patterns. Not a key of `midi:`: gathered from the tracks when the session is adopted.
    struct Keyboard {
        std::string track;
        std::vector<std::string> devices;
    };
    std::vector<Keyboard> keyboards;
    SourceLocation where;
};

/// The transport a session starts with (`transport:`).
struct TransportSpec {
    double tempo = transport::defaultBpm; ///< BPM, counting the meter's beats
    int meterNum = 4;
    int meterDen = 4;
    transport::JackMode jack = transport::JackMode::Off; ///< how it relates to JACK's transport
    SourceLocation where; ///< of the `transport:` map (the file alone when the session has none)

    bool operator==(const TransportSpec& other) const
    {
        return tempo == other.tempo && meterNum == other.meterNum && meterDen == other.meterDen && jack == other.jack;
    }
};

/// One value of a scene: a parameter's address and the value a recall gives it.
struct SceneValueSpec {
    std::string address;
    double value = 0.0;
    SourceLocation where; ///< of the value (the address and range are checked once the graph is built)
};

/// A scene as the file writes it (`scenes: {name: {address: value, …}}`), in the file's order.
struct SceneSpec {
    std::string name;
    std::vector<SceneValueSpec> values;
    SourceLocation where; ///< of the scene's name
};

/// A recall-safe glob or track as the file lists it (`safe:`).
struct SafeSpec {
    std::string glob;
    SourceLocation where;
};

/// An auto-connect rule as the file lists it (`connections:`).
struct ConnectionSpec {
    port::ConnectionRule rule;
    SourceLocation where;
};

/// What a recall does when a surface does not say (`scene_recall: {when: bar, fade: 2}`).
struct SceneRecallSpec {
    double fadeSeconds = 0.0;
    port::RecallWhen when; ///< now, unless the session says beat or bar
    SourceLocation where;
};

/// Shortest and longest time between autosaves (`autosave_seconds`): a save costs a file sync.
inline constexpr int minAutosaveSeconds = 10;
inline constexpr int maxAutosaveSeconds = 86'400;

/// The whole session file.
struct SessionSpec {
    std::filesystem::path file; ///< the file it was loaded from (absolute)
    std::string name;           ///< shown in logs and /status; defaults to the file's stem
    int sampleRate = 48000;     ///< offline renders only; live sessions run at JACK's rate
    OscSpec osc;
    WebSpec web;
    TransportSpec transport;
    std::vector<TrackSpec> tracks;
    std::vector<BusSpec> buses;
    MasterSpec master;
    std::optional<RecordSpec> record;
    MidiSpec midi;
    std::vector<SceneSpec> scenes;
    std::vector<SafeSpec> safe;
    std::vector<ConnectionSpec> connections; ///< auto-connect rules, in file order
    SceneRecallSpec sceneRecall;
    std::vector<SongSpec> songs;       ///< `songs:` in file order
    std::vector<SetlistEntry> setlist; ///< in playing order (`setlist:`, else every song in file order)
    /// Seconds between saves of what changed (`autosave_seconds`); nullopt: no autosave.
    std::optional<int> autosaveSeconds;
    /// Threads that run the graph's nodes, the audio thread included (`workers`); nullopt:
    /// as many as the machine has cores (live: only when JACK runs real-time).
    std::optional<int> workers;
    std::string text; ///< the file as read (snapshots in take.yaml)
};

} // namespace backline::session
