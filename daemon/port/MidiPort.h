// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "midi/MidiMapping.h"
#include "port/Param.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace backline::port {

/// What a mapping needs to know of a parameter: its range, unit and kind. A frequency moves by
/// ratios whether or not its DSP says [scale:log], as the engine's morphs move it (ParamCurve).
inline midi::ParamTraits midiTraits(const ParamInfo& info)
{
    return {info.min, info.max, info.unit == "dB", info.logScale || info.unit == "Hz",
        info.kind == ParamKind::Toggle, info.kind == ParamKind::Trigger};
}

/// The hardware MIDI surface as the daemon runs it: what it is connected to and how busy.
struct MidiStatus {
    std::string api;                  ///< "alsa", "jack", or "none"
    std::string problem;              ///< why there is no MIDI system (api "none"); empty otherwise
    std::vector<std::string> inputs;  ///< the ports open for input, by name
    std::vector<std::string> outputs; ///< the ports open for feedback
    std::uint64_t received = 0;       ///< messages taken from the inputs
    std::uint64_t dropped = 0;        ///< messages lost (a full queue, bytes that made no message)
    std::uint64_t feedbackSent = 0;   ///< messages sent to controllers
    std::string learning;             ///< the address /midi/learn waits to bind; empty: none
};

/// Where a mapping comes from.
enum class MidiMapOrigin {
    Session, ///< the session file's `midi.map`
    Live,    ///< learned or added since the file was loaded: the next save writes it
    Dsp,     ///< a DSP's own `[midi:ctrl n]` metadata: never written (the DSP says it)
};

/// "session", "live", "dsp".
inline const char* toString(MidiMapOrigin origin)
{
    return origin == MidiMapOrigin::Live ? "live" : origin == MidiMapOrigin::Dsp ? "dsp" : "session";
}

/// A mapping as a surface lists it, with where it comes from.
struct MidiMapEntry {
    midi::MidiMapping mapping;
    MidiMapOrigin origin = MidiMapOrigin::Session;
};

/// The MIDI controllers' mappings as every surface edits them (`/midi/learn`, `/midi/map`,
/// `/midi/unmap` over OSC): implemented by the daemon's MIDI surface. Thread-safe; never from
/// the audio thread. A refused request changes nothing; its error says why.
class MidiPort {
public:
    virtual ~MidiPort() = default;
    /// Binds the next control change, NRPN or note that arrives from a controller to the
    /// parameter at address (replacing that control's mapping); surfaces hear `/midi/learned`
    /// when it is bound. A second learn replaces the first.
    virtual Result<void> learn(std::string_view address) = 0;
    /// Stops waiting for a control to learn; true when a learn was waiting.
    virtual bool cancelLearn() = 0;
    /// Adds mapping (replacing one of the same control), checked against its parameter or scene.
    virtual Result<void> map(const midi::MidiMapping& mapping) = 0;
    /// Removes the mappings of a control ("cc:7@1", as toString(MidiSource) writes it) or of a
    /// parameter (its address); returns how many went. None is an error.
    virtual Result<std::size_t> unmap(std::string_view sourceOrAddress) = 0;
    /// Every mapping in order: the session's, then those added live.
    virtual std::vector<MidiMapEntry> mappings() const = 0;
    /// The devices and counters.
    virtual MidiStatus status() const = 0;
};

/// The MidiPort of a daemon with no MIDI surface (an offline render, a test's control port):
/// lists nothing and refuses every change, saying why.
class NoMidi final : public MidiPort {
public:
    Result<void> learn(std::string_view) override { return none(); }
    bool cancelLearn() override { return false; }
    Result<void> map(const midi::MidiMapping&) override { return none(); }
    Result<std::size_t> unmap(std::string_view) override { return none(); }
    std::vector<MidiMapEntry> mappings() const override { return {}; }
    MidiStatus status() const override { return {"none", "no MIDI surface runs here", {}, {}, 0, 0, 0, {}}; }

private:
    static Error none() { return makeError(ErrorCode::Midi, "no MIDI surface runs here (an offline render?)"); }
};

} // namespace backline::port
