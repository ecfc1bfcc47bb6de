// SPDX-License-Identifier: GPL-3.0-or-later
// The session's transport settings applied to the engine's transport and to JACK's (see
// TransportLink.h).
#include "app/TransportLink.h"

#include "core/TransportText.h"

#include <spdlog/spdlog.h>

namespace backline::app {

void TransportLink::adopt(const session::TransportSpec& spec, const session::TransportSpec* previous)
{
    const auto now = transport_.position();
    const bool newTempo = previous ? spec.tempo != previous->tempo : spec.tempo != now.targetBpm;
    const bool newMeter = previous ? spec.meterNum != previous->meterNum || spec.meterDen != previous->meterDen
                                   : spec.meterNum != now.meterNum || spec.meterDen != now.meterDen;
    if (newTempo)
        if (auto r = transport_.setTempo(spec.tempo); !r)
            spdlog::error("transport: {}", r.error().message);
    if (newMeter)
        if (auto r = transport_.setMeter(spec.meterNum, spec.meterDen); !r)
            spdlog::error("transport: {}", r.error().message);
    if (spec.jack != mode_) {
        mode_ = spec.jack;
        attach(backend_);
    }
}

void TransportLink::attach(jack::JackBackend* backend)
{
    // The transport stops asking the old client first: the client may be closed next.
    transport_.setLeader(transport::JackMode::Off, nullptr);
    backend_ = backend;
    if (!backend) {
        transport_.setLeader(mode_, nullptr);
        return;
    }
    if (auto r = backend->transport().setMode(mode_); !r) {
        spdlog::error("{}; the transport stays backline's own", r.error().message);
        (void)backend->transport().setMode(transport::JackMode::Off);
        return;
    }
    transport_.setLeader(mode_, &backend->transport());
    if (mode_ != transport::JackMode::Off)
        spdlog::info("transport: {} JACK's transport", mode_ == transport::JackMode::Lead ? "leading" : "following");
}

} // namespace backline::app
