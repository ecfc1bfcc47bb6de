// SPDX-License-Identifier: GPL-3.0-or-later
// JACK's transport read and written on the audio thread (see TransportSync.h).
#include "jack/rt/TransportSync.h"

#include "core/TransportRules.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace backline::jack {

engine::LeaderPosition readJackTransport(jack_client_t* client, bool takeBars) noexcept
{
    jack_position_t position {};
    // Audited: jack_transport_query copies JACK2's transport state out of shared memory (a
    // retry loop over its double-buffered position, no lock, allocation or system call); JACK
    // documents it as realtime-safe.
    const jack_transport_state_t state = BACKLINE_AUDITED_NONBLOCKING(jack_transport_query(client, &position));
    engine::LeaderPosition leader;
    leader.rolling = state == JackTransportRolling;
    leader.frame = std::int64_t(position.frame);
    if (!takeBars || !(position.valid & JackPositionBBT) || !std::isfinite(position.beats_per_bar)
        || !std::isfinite(position.beat_type) || std::fabs(position.beats_per_bar) > 1e6 || std::fabs(position.beat_type) > 1e6)
        return leader;
    const int num = int(std::lround(position.beats_per_bar));
    const int den = int(std::lround(position.beat_type));
    if (!transport::validMeter(num, den) || !transport::validTempo(position.beats_per_minute) || position.bar < 1
        || position.beat < 1 || position.beat > num || position.ticks_per_beat <= 0.0)
        return leader; // bars that backline could not count: the frame alone is followed
    leader.hasBars = true;
    leader.bpm = position.beats_per_minute;
    leader.num = num;
    leader.den = den;
    leader.bar = position.bar;
    leader.beat = position.beat;
    leader.beatFraction = std::clamp(double(position.tick) / position.ticks_per_beat, 0.0, 1.0);
    return leader;
}

void fillBarsAndBeats(const engine::TimeGrid& grid, jack_position_t& position) noexcept
{
    const engine::MusicalPosition m = grid.at(std::int64_t(position.frame));
    position.valid = jack_position_bits_t(position.valid | JackPositionBBT);
    position.bar = std::int32_t(std::clamp<std::int64_t>(m.place.bar, 1, INT32_MAX));
    position.beat = m.place.beat;
    position.tick = std::int32_t(std::min(std::floor(m.place.fraction * transport::ticksPerBeat), transport::ticksPerBeat - 1));
    position.bar_start_tick = double(m.place.barStart) * transport::ticksPerBeat;
    position.beats_per_bar = float(m.place.beatsPerBar);
    position.beat_type = float(m.place.beatUnit);
    position.ticks_per_beat = transport::ticksPerBeat;
    position.beats_per_minute = m.bpm;
}

void askJackTransport(jack_client_t* client, const engine::LeaderAsk& ask) noexcept
{
    // Audited: JACK2's jack_transport_start, _stop and _locate write a command or the next
    // position into the transport's shared-memory state (JackTransportEngine::SetCommand,
    // RequestNewPos: a lock-free double buffer); no lock, allocation or system call. JACK
    // documents them as realtime-safe.
    if (ask.locate >= 0) {
        (void)BACKLINE_AUDITED_NONBLOCKING(
            jack_transport_locate(client, jack_nframes_t(std::min<std::int64_t>(ask.locate, INT32_MAX))));
    }
    if (ask.stop) {
        BACKLINE_AUDITED_NONBLOCKING(jack_transport_stop(client));
    }
    if (ask.start) {
        BACKLINE_AUDITED_NONBLOCKING(jack_transport_start(client));
    }
}

} // namespace backline::jack
