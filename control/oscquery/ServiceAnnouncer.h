// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace backline::control::oscquery {

/// One DNS-SD service to announce: type ("_oscjson._tcp"), port.
struct Service {
    std::string type;
    int port = 0;
};

/// Announces backline on the local network over mDNS/DNS-SD through avahi-daemon (Avahi's
/// client library), so OSCQuery clients (ossia score, Chataigne, TouchOSC) find it without
/// configuration. Its own thread (Avahi's threaded poll), never the audio thread.
///
/// It never stops the show: without avahi-daemon or the system D-Bus it runs on (a container, a
/// minimal install, a boot where they start late) it says so once in the log and keeps trying
/// until they appear; a daemon that restarts is rejoined; a name
/// another host holds is replaced by Avahi's next alternative ("backline #2").
class ServiceAnnouncer {
public:
    /// [control] Starts announcing services under name (cut to DNS-SD's 63 bytes).
    ServiceAnnouncer(std::string name, std::vector<Service> services);
    /// [control] Withdraws the services and stops the thread.
    ~ServiceAnnouncer();
    ServiceAnnouncer(const ServiceAnnouncer&) = delete;
    ServiceAnnouncer& operator=(const ServiceAnnouncer&) = delete;

    /// [any] "announced as NAME", "waiting for avahi-daemon", …: for /status and the log.
    std::string state() const;
    /// [any] The name the services are announced under now (after a collision, the alternative).
    std::string name() const;

    struct Avahi; // Avahi's objects and callbacks (ServiceAnnouncer.cpp)

private:
    mutable std::mutex mutex_; // guards state_ and name_, written by Avahi's thread
    std::string state_;
    std::string name_;
    std::vector<Service> services_;
    std::unique_ptr<Avahi> avahi_;

    friend struct Avahi;
};

} // namespace backline::control::oscquery
