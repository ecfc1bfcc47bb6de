// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/TransportRules.h"
#include "engine/TransportControl.h"
#include "jack/JackBackend.h"
#include "session/SessionSpec.h"

namespace backline::app {

/// The session's `transport:` put to work: the tempo and meter the transport starts with (and,
/// on a reload, takes where the file changed them: the reload rule), and how it relates to JACK's
/// transport on the JACK client of the moment (transport.jack). Used under the session lock.
class TransportLink {
public:
    explicit TransportLink(engine::TransportControl& transport)
        : transport_(transport)
    {
    }

    /// [main, session lock] The session now running says spec; previous is what the one before
    /// said (null: the first session). Tempo and meter are set where spec differs from previous
    /// (from the transport's own, for the first); failures are logged (the session loaded).
    void adopt(const session::TransportSpec& spec, const session::TransportSpec* previous);

    /// [main, session lock] Relates the transport to JACK's on backend's client as the session
    /// says (null: no client, or its server went away: the transport is backline's own
    /// meanwhile). Once it returns, no request goes to a client attached before.
    void attach(jack::JackBackend* backend);

private:
    engine::TransportControl& transport_;
    transport::JackMode mode_ = transport::JackMode::Off;
    jack::JackBackend* backend_ = nullptr;
};

} // namespace backline::app
