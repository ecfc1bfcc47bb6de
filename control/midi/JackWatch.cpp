// SPDX-License-Identifier: GPL-3.0-or-later
// JackWatch: the probe of the JACK server and the ear for its shutdown ([control]).
#include "control/midi/JackWatch.h"

#include "control/midi/MidiApi.h"

#include <fmt/format.h>

#include <utility>

namespace backline::control::midi {

JackWatch::JackWatch(jack_client_t* client, std::string serverLabel)
    : client_(client)
    , serverLabel_(std::move(serverLabel))
{
}

Result<std::unique_ptr<JackWatch>> JackWatch::open(const std::string& clientName, const std::string& serverOption)
{
    jack_status_t status {};
    jack_client_t* client = serverOption.empty()
        ? jack_client_open(clientName.c_str(), JackNoStartServer, &status)
        : jack_client_open(clientName.c_str(), JackOptions(JackNoStartServer | JackServerName), &status,
              serverOption.c_str());
    const std::string server = jackServerLabel(serverOption);
    if (client == nullptr)
        return makeError(ErrorCode::Midi,
            fmt::format("no JACK server '{}' is running (start one, or give the daemon's --jack-server)", server));
    std::unique_ptr<JackWatch> watch(new JackWatch(client, server));
    jack_on_info_shutdown(client, &JackWatch::onShutdown, watch.get());
    return watch;
}

JackWatch::~JackWatch()
{
    jack_client_close(client_);
}

void JackWatch::onShutdown(jack_status_t, const char*, void* self) noexcept
{
    static_cast<JackWatch*>(self)->gone_.store(true, std::memory_order_release); // pairs with gone()
}

} // namespace backline::control::midi
