// SPDX-License-Identifier: GPL-3.0-or-later
// JackTransport: backline's transport and JACK's on the control side — which one leads
// (transport.jack), the timebase callback registered for `lead`, and play, stop and locate
// asked of JACK's transport when it leads.
#pragma once

#include "core/Result.h"
#include "core/TransportRules.h"
#include "engine/TransportControl.h"
#include "jack/rt/ProcessCallback.h"

#include <jack/jack.h>

#include <cstdint>

namespace backline::jack {

/// JACK's transport as the engine's TransportControl reaches it when it leads. Lives with its
/// JACK client (JackBackend).
class JackTransport final : public engine::TransportLeader {
public:
    /// [control] For client, whose process callback is callback.
    JackTransport(jack_client_t* client, ProcessCallback& callback)
        : client_(client)
        , callback_(callback)
    {
    }

    /// [control] off: the process callback leaves JACK's transport alone; follow: it follows
    /// JACK's transport every cycle; lead: it follows, and this client becomes JACK's timebase
    /// master (another master is replaced). Leaving lead gives the timebase up.
    Result<void> setMode(transport::JackMode mode);
    /// [control] The mode last set.
    transport::JackMode mode() const noexcept { return mode_; }

    /// [control] jack_transport_start: JACK's transport rolls from its next cycle.
    void start() override { jack_transport_start(client_); }
    /// [control] jack_transport_stop.
    void stop() override { jack_transport_stop(client_); }
    /// [control] jack_transport_locate: JACK's transport is at frame within two cycles.
    void locate(std::int64_t frame) override;

private:
    jack_client_t* client_;
    ProcessCallback& callback_;
    transport::JackMode mode_ = transport::JackMode::Off;
};

} // namespace backline::jack
