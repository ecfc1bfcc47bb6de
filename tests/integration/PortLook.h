// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <jack/jack.h>

#include <string>
#include <vector>

namespace backline::test {

/// A JACK client on server that only looks at ports: it has none, so it adds no connection of
/// its own. Open a fresh one for each look when the server may have restarted since.
class PortLook {
public:
    explicit PortLook(const std::string& server)
    {
        jack_status_t status;
        client_ = jack_client_open("looker", JackOptions(JackNoStartServer | JackServerName), &status, server.c_str());
    }
    ~PortLook()
    {
        if (client_)
            jack_client_close(client_);
    }
    PortLook(const PortLook&) = delete;
    PortLook& operator=(const PortLook&) = delete;

    /// Whether the client could open (the server runs).
    bool open() const { return client_ != nullptr; }
    /// Whether a port of that full name exists.
    bool exists(const std::string& port) const { return client_ && jack_port_by_name(client_, port.c_str()); }
    /// Whether port is connected to other.
    bool connected(const std::string& port, const std::string& other) const
    {
        jack_port_t* p = client_ ? jack_port_by_name(client_, port.c_str()) : nullptr;
        return p && jack_port_connected_to(p, other.c_str());
    }
    /// Every port that port is connected to, in JACK's order (none when it does not exist).
    std::vector<std::string> connections(const std::string& port) const
    {
        std::vector<std::string> names;
        jack_port_t* p = client_ ? jack_port_by_name(client_, port.c_str()) : nullptr;
        if (const char** all = p ? jack_port_get_all_connections(client_, p) : nullptr) {
            for (int i = 0; all[i]; ++i)
                names.emplace_back(all[i]);
            jack_free(all);
        }
        return names;
    }

private:
    jack_client_t* client_ = nullptr;
};

} // namespace backline::test
