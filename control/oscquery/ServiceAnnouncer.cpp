// SPDX-License-Identifier: GPL-3.0-or-later
// mDNS/DNS-SD through avahi-daemon. Every callback below runs on Avahi's threaded poll, which
// holds its own lock while it does: the constructor and destructor take that lock to touch
// Avahi's objects.
#include "control/oscquery/ServiceAnnouncer.h"

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/thread-watch.h>
#include <avahi-common/timeval.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace backline::control::oscquery {

namespace {

/// DNS-SD's limit for an instance name (one DNS label), cut on a UTF-8 character boundary.
std::string instanceName(std::string name)
{
    constexpr std::size_t most = 63;
    if (name.size() <= most)
        return name;
    std::size_t end = most;
    while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80)
        --end;
    name.resize(end);
    return name;
}

} // namespace

struct ServiceAnnouncer::Avahi {
    ServiceAnnouncer& owner;
    AvahiThreadedPoll* poll = nullptr;
    AvahiClient* client = nullptr;
    AvahiEntryGroup* group = nullptr;
    AvahiTimeout* retry = nullptr; // a new client after avahi_client_new failed
    int retryMs = firstRetryMs;
    bool toldNoDaemon = false;

    // A system bus that comes up after backlined (boot order, a container's late start) is
    // joined within half a minute; the first tries are quick for a bus that was only restarting.
    static constexpr int firstRetryMs = 1000;
    static constexpr int lastRetryMs = 30000;

    explicit Avahi(ServiceAnnouncer& o)
        : owner(o)
    {
    }

    void setState(std::string state)
    {
        std::lock_guard lock(owner.mutex_);
        owner.state_ = std::move(state);
    }

    std::string currentName() const
    {
        std::lock_guard lock(owner.mutex_);
        return owner.name_;
    }

    /// [avahi] A client that waits for avahi-daemon when there is none (AVAHI_CLIENT_NO_FAIL).
    /// Without a system D-Bus even that cannot be made: then it tries again, later and later.
    bool connect()
    {
        int error = 0;
        client = avahi_client_new(avahi_threaded_poll_get(poll), AVAHI_CLIENT_NO_FAIL, &Avahi::onClient, this, &error);
        if (!client) {
            if (!toldNoDaemon) {
                spdlog::warn("mDNS: cannot reach avahi-daemon ({}); backline will be announced once it can", avahi_strerror(error));
                toldNoDaemon = true;
            }
            setState("waiting for avahi-daemon");
            retryLater();
            return false;
        }
        retryMs = firstRetryMs;
        return true;
    }

    void retryLater()
    {
        const AvahiPoll* api = avahi_threaded_poll_get(poll);
        timeval when {};
        avahi_elapse_time(&when, static_cast<unsigned>(retryMs), 0);
        if (retry)
            api->timeout_update(retry, &when);
        else
            retry = api->timeout_new(api, &when, &Avahi::onRetry, this);
        retryMs = std::min(retryMs * 2, lastRetryMs);
    }

    static void onRetry(AvahiTimeout* timeout, void* userdata)
    {
        auto* self = static_cast<Avahi*>(userdata);
        avahi_threaded_poll_get(self->poll)->timeout_update(timeout, nullptr);
        self->connect();
    }

    /// [avahi] Adds every service under the current name.
    void publish(AvahiClient* c)
    {
        if (!group) {
            group = avahi_entry_group_new(c, &Avahi::onGroup, this);
            if (!group) {
                spdlog::warn("mDNS: cannot make an Avahi entry group: {}", avahi_strerror(avahi_client_errno(c)));
                return;
            }
        }
        if (!avahi_entry_group_is_empty(group))
            return;
        const std::string name = currentName();
        for (const Service& service : owner.services_) {
            const int r = avahi_entry_group_add_service(group, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, AvahiPublishFlags(0),
                name.c_str(), service.type.c_str(), nullptr, nullptr, static_cast<std::uint16_t>(service.port), nullptr);
            if (r == AVAHI_ERR_COLLISION) {
                rename();
                return;
            }
            if (r < 0) {
                spdlog::warn("mDNS: cannot announce {} on port {}: {}", service.type, service.port, avahi_strerror(r));
                setState(std::string("not announced: ") + avahi_strerror(r));
                return;
            }
        }
        if (const int r = avahi_entry_group_commit(group); r < 0)
            spdlog::warn("mDNS: cannot announce '{}': {}", name, avahi_strerror(r));
    }

    /// [avahi] Another host holds the name: take Avahi's next alternative and try again.
    void rename()
    {
        std::string next;
        {
            std::lock_guard lock(owner.mutex_);
            char* alternative = avahi_alternative_service_name(owner.name_.c_str());
            next = alternative;
            avahi_free(alternative);
            owner.name_ = next;
        }
        spdlog::info("mDNS: the name is taken on the network; announcing as '{}'", next);
        if (group)
            avahi_entry_group_reset(group);
        if (client)
            publish(client);
    }

    static void onGroup(AvahiEntryGroup* g, AvahiEntryGroupState state, void* userdata)
    {
        auto* self = static_cast<Avahi*>(userdata);
        self->group = g; // the callback may come before avahi_entry_group_new returns
        switch (state) {
        case AVAHI_ENTRY_GROUP_ESTABLISHED: {
            const std::string name = self->currentName();
            spdlog::info("mDNS: announced as '{}'", name);
            self->setState("announced as " + name);
            break;
        }
        case AVAHI_ENTRY_GROUP_COLLISION:
            self->rename();
            break;
        case AVAHI_ENTRY_GROUP_FAILURE:
            spdlog::warn("mDNS: the announcement failed: {}",
                avahi_strerror(avahi_client_errno(avahi_entry_group_get_client(g))));
            self->setState("not announced: the announcement failed");
            break;
        case AVAHI_ENTRY_GROUP_UNCOMMITED:
        case AVAHI_ENTRY_GROUP_REGISTERING:
            break;
        }
    }

    static void onClient(AvahiClient* c, AvahiClientState state, void* userdata)
    {
        auto* self = static_cast<Avahi*>(userdata);
        self->client = c; // the first callbacks come before avahi_client_new returns
        switch (state) {
        case AVAHI_CLIENT_S_RUNNING:
            self->toldNoDaemon = false;
            self->publish(c);
            break;
        case AVAHI_CLIENT_S_COLLISION:
        case AVAHI_CLIENT_S_REGISTERING:
            // The host's own name changes: announce again once it settles.
            if (self->group)
                avahi_entry_group_reset(self->group);
            break;
        case AVAHI_CLIENT_CONNECTING:
            if (!self->toldNoDaemon) {
                spdlog::info("mDNS: no avahi-daemon running; backline will be announced when one starts");
                self->toldNoDaemon = true;
            }
            self->setState("waiting for avahi-daemon");
            break;
        case AVAHI_CLIENT_FAILURE:
            if (avahi_client_errno(c) == AVAHI_ERR_DISCONNECTED) {
                // avahi-daemon went away (restarted): a new client waits for it to come back.
                spdlog::info("mDNS: avahi-daemon went away; waiting for it to come back");
                self->group = nullptr; // freed with its client
                avahi_client_free(c);
                self->client = nullptr;
                self->connect();
            } else {
                const std::string why = avahi_strerror(avahi_client_errno(c));
                spdlog::warn("mDNS: Avahi failed ({}); trying again", why);
                self->setState("not announced: " + why + " (trying again)");
                self->group = nullptr;
                avahi_client_free(c);
                self->client = nullptr;
                self->retryLater();
            }
            break;
        }
    }
};

ServiceAnnouncer::ServiceAnnouncer(std::string name, std::vector<Service> services)
    : state_("starting")
    , name_(instanceName(std::move(name)))
    , services_(std::move(services))
    , avahi_(std::make_unique<Avahi>(*this))
{
    avahi_->poll = avahi_threaded_poll_new();
    if (!avahi_->poll) {
        spdlog::warn("mDNS: cannot start Avahi's thread; backline is not announced on the network");
        state_ = "not announced: cannot start Avahi's thread";
        return;
    }
    // The client is made before the thread runs, so no callback races the constructor; when it
    // cannot be made, the thread still runs to try again.
    avahi_->connect();
    if (avahi_threaded_poll_start(avahi_->poll) < 0) {
        spdlog::warn("mDNS: cannot start Avahi's thread; backline is not announced on the network");
        state_ = "not announced: cannot start Avahi's thread";
    }
}

ServiceAnnouncer::~ServiceAnnouncer()
{
    if (!avahi_->poll)
        return;
    avahi_threaded_poll_stop(avahi_->poll);
    // Freeing the client withdraws its entry groups from avahi-daemon.
    if (avahi_->client)
        avahi_client_free(avahi_->client);
    if (avahi_->retry)
        avahi_threaded_poll_get(avahi_->poll)->timeout_free(avahi_->retry);
    avahi_threaded_poll_free(avahi_->poll);
}

std::string ServiceAnnouncer::state() const
{
    std::lock_guard lock(mutex_);
    return state_;
}

std::string ServiceAnnouncer::name() const
{
    std::lock_guard lock(mutex_);
    return name_;
}

} // namespace backline::control::oscquery
