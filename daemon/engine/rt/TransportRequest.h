// SPDX-License-Identifier: GPL-3.0-or-later
// TransportRequest: what the control side asks of the audio thread's transport (carried in a
// Command), and LeaderPosition: what a backend whose transport leads (JACK) tells it each block.
#pragma once

#include <cstdint>
#include <type_traits>

namespace backline::engine {

/// A change to the transport, applied at a block's start or, timed, at its engine frame.
/// Values were checked by the control side (core/TransportRules.h).
struct TransportRequest {
    enum class Op : std::uint8_t {
        None,
        Play,      ///< start rolling from where it stands
        Stop,      ///< stop where it is
        Locate,    ///< go to transport frame `frame`
        LocateBar, ///< go to the first frame of bar `frame`, beat `beat`
        Tempo,     ///< glide to `bpm` over `glideSeconds` (0: at once)
        Meter,     ///< `num`/`den` from the next bar line (at once on a bar line)
        BarLine,   ///< a bar begins here (on a beat): the bar playing is cut short (an arrangement's jump)
    };
    Op op = Op::None;
    std::int32_t beat = 1;
    std::int32_t num = 4;
    std::int32_t den = 4;
    std::int64_t frame = 0;
    double bpm = 0.0;
    double glideSeconds = 0.0;
};
static_assert(std::is_trivially_copyable_v<TransportRequest>);

/// What a request asked of a leading backend's transport (JACK's) instead of doing it here: its
/// state and position are the leader's, which the engine's transport follows a cycle or two on.
struct LeaderAsk {
    bool start = false;
    bool stop = false;
    std::int64_t locate = -1; ///< a transport frame; -1: none
};

/// The transport of a backend that leads (JACK's, read with jack_transport_query) at the first
/// frame of the block about to run.
struct LeaderPosition {
    bool rolling = false;
    std::int64_t frame = 0;
    /// The leader publishes bars and beats (another app is JACK's timebase master): its tempo,
    /// meter and position in bars are taken too.
    bool hasBars = false;
    double bpm = 0.0;
    int num = 4;
    int den = 4;
    std::int64_t bar = 1;
    int beat = 1;
    double beatFraction = 0.0;
};

} // namespace backline::engine
