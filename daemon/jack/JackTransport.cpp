// SPDX-License-Identifier: GPL-3.0-or-later
// JACK's transport on the control side (see JackTransport.h).
#include "jack/JackTransport.h"

#include <jack/transport.h>

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace backline::jack {

Result<void> JackTransport::setMode(transport::JackMode mode)
{
    if (mode == transport::JackMode::Lead && mode_ != transport::JackMode::Lead) {
        // Unconditional: a session that says `lead` takes the timebase from whoever held it.
        if (const int rc = jack_set_timebase_callback(client_, 0, &ProcessCallback::onTimebase, &callback_); rc != 0)
            return makeError(ErrorCode::Jack,
                fmt::format("JACK refused to make backline its timebase master (error {}); transport.jack: lead "
                            "needs it",
                    rc));
    } else if (mode != transport::JackMode::Lead && mode_ == transport::JackMode::Lead) {
        jack_release_timebase(client_);
    }
    callback_.setTransportMode(mode);
    mode_ = mode;
    return {};
}

void JackTransport::locate(std::int64_t frame)
{
    // JACK's transport frames are 32 bits: past them (27 hours at 44.1 kHz) it stays at the end.
    const auto last = std::int64_t(std::numeric_limits<jack_nframes_t>::max());
    jack_transport_locate(client_, jack_nframes_t(std::clamp<std::int64_t>(frame, 0, last)));
}

} // namespace backline::jack
