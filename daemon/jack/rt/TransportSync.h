// SPDX-License-Identifier: GPL-3.0-or-later
// TransportSync: JACK's transport and the engine's, on the audio thread — what JACK's transport
// says each cycle (transport.jack follow or lead) and the bars and beats backline publishes as
// JACK's timebase master (lead).
#pragma once

#include "core/Nonblocking.h"
#include "engine/rt/TimeGrid.h"
#include "engine/rt/TransportRequest.h"

#include <jack/jack.h>
#include <jack/transport.h>

namespace backline::jack {

/// [audio] JACK's transport at the first frame of this cycle: rolling or not, its frame, and,
/// when takeBars and another client publishes bars and beats (a timebase master that is not
/// backline), its tempo, meter and position in bars.
engine::LeaderPosition readJackTransport(jack_client_t* client, bool takeBars) noexcept BACKLINE_NONBLOCKING;

/// [audio] Fills position's bars and beats (JackPositionBBT) at its frame from grid: what JACK
/// clients see while backline is the timebase master.
void fillBarsAndBeats(const engine::TimeGrid& grid, jack_position_t& position) noexcept BACKLINE_NONBLOCKING;

/// [audio] Asks JACK's transport for what the engine's asked of it (the arrangement's stop at a
/// song's end, the locate of a cue): JACK does it at its next cycle, the engine follows.
void askJackTransport(jack_client_t* client, const engine::LeaderAsk& ask) noexcept BACKLINE_NONBLOCKING;

} // namespace backline::jack
