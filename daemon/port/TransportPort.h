// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "core/TransportRules.h"
#include "core/TransportText.h"
#include "port/Status.h"

#include <cstdint>
#include <optional>

namespace backline::port {

/// The transport as a surface sees it, read after the engine's last block.
struct TransportPosition {
    TransportState state = TransportState::Stopped;
    double seconds = 0.0;         ///< the position: frame / sampleRate
    std::int64_t frame = 0;       ///< the position in frames (JACK's transport frame when JACK's leads)
    std::int64_t bar = 1;         ///< from 1
    int beat = 1;                 ///< from 1
    double tickFraction = 0.0;    ///< how far into the beat: 0 ≤ … < 1
    double bpm = transport::defaultBpm;       ///< the tempo now (mid-glide: where the glide is)
    double targetBpm = transport::defaultBpm; ///< where a glide goes (bpm when none)
    int meterNum = 4;             ///< the meter last set (from its bar line on, if it waits for one)
    int meterDen = 4;
    int barBeats = 4;             ///< beats in the bar playing
    int sampleRate = 0;
    std::uint64_t engineFrame = 0; ///< the engine frame this reading is for (the next block's first)
    /// Counts starts, stops, locates, tempo and meter changes: a new count means a jump.
    std::uint64_t changes = 0;
    transport::JackMode jack = transport::JackMode::Off;
};

/// The transport: play, stop, locate, tempo and meter, and the time grid quantised changes wait
/// for (nextBoundary: when a scene recall "on the next bar" will be heard; the recall itself
/// waits on the audio thread for the line, ParamPort::morphOnLine).
/// Implemented by the engine's control side (engine::TransportControl). Thread-safe; never
/// called on the audio thread. Values are checked by core/TransportRules.h; an error says
/// which rule a value broke and nothing changes. atFrame: the engine frame a change lands on
/// (0 or past: the next block); with JACK's transport leading (transport.jack follow or lead)
/// play, stop and locate are JACK's requests, which JACK carries out at its next cycle, and
/// atFrame is not used for them.
class TransportPort {
public:
    virtual ~TransportPort() = default;
    /// Starts rolling from where the transport stands.
    virtual Result<void> play(std::uint64_t atFrame = 0) = 0;
    /// Stops where it is.
    virtual Result<void> stop(std::uint64_t atFrame = 0) = 0;
    /// Goes to seconds (0 … a day); returns where that is in bars.
    virtual Result<TransportPosition> locate(double seconds, std::uint64_t atFrame = 0) = 0;
    /// Goes to the first frame of bar.beat, counted from bar 1 at 0 s at the tempo and meter
    /// now (the locate rule, sessions/README.md); returns where that is in seconds.
    virtual Result<TransportPosition> locate(transport::BarBeat where, std::uint64_t atFrame = 0) = 0;
    /// Glides the tempo to bpm (20 … 400) over glideSeconds (0: at once), from the tempo it has.
    virtual Result<void> setTempo(double bpm, double glideSeconds = 0.0, std::uint64_t atFrame = 0) = 0;
    /// Sets the meter from the next bar line on (at once on a bar line).
    virtual Result<void> setMeter(int num, int den, std::uint64_t atFrame = 0) = 0;
    /// Where the transport is, after the engine's last block.
    virtual TransportPosition position() const = 0;
    /// While rolling: the engine frame of the first sample of the next beat or bar at or after
    /// engine frame notBefore (0: the next block), on the grid as it stands; nullopt when
    /// stopped. Pass a notBefore a block or two ahead of the engine's clock for a change that
    /// must not land late (a batch for a frame the audio thread has passed lands at once).
    virtual std::optional<std::uint64_t> nextBoundary(transport::Boundary when, std::uint64_t notBefore = 0) const = 0;
    /// While rolling: the engine frame of the first sample of bar.beat on the grid as it stands;
    /// nullopt when stopped or when the transport is already past it.
    virtual std::optional<std::uint64_t> frameOf(transport::BarBeat where) const = 0;
};

} // namespace backline::port
