// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/Listeners.h"
#include "port/ParamPort.h"

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace backline::control {

/// The OSC server's listener on the control port. Every parameter change, whoever made it (an
/// OSC client, MIDI, a scene, the daemon), is kept for the OSC thread as the latest value of
/// each changed address in the order of their last change. A subscriber remembers the version
/// it was last sent and gets what changed after it: coalesced (latest value wins) however many
/// changes came in between. A change timed for the future shows when it sounds.
class FeedbackLog final : public port::ChangeListener {
public:
    /// wake is called (on the changing thread) when news arrive for the OSC thread; notices are
    /// handed to onNotice (on the posting thread: it must not wait).
    explicit FeedbackLog(std::function<void()> wake, std::function<void(const port::Notice&)> onNotice = {})
        : wake_(std::move(wake))
        , onNotice_(std::move(onNotice))
    {
    }

    /// [any control thread] A parameter took a new value, heard from dueNs on (0: now).
    void paramChanged(const std::string& address, float value, std::int64_t dueNs) override;
    /// [any control thread] A new graph was installed: every subscriber needs a new snapshot.
    void paramsReset() override;
    /// [any thread] Handed to onNotice.
    void notice(const port::Notice& notice) override;

    /// [osc] Takes in what arrived (reading each address's current value from params, which is
    /// the truth when changes from several threads cross) and what fell due by nowNs. Returns
    /// true when the parameters were reset since the last call (the log is then empty).
    bool collect(std::int64_t nowNs, const port::ParamPort& params);
    /// [osc] When the next deferred change falls due; INT64_MAX when none waits.
    std::int64_t nextDueNs() const;
    /// [osc] The number of the latest change (0: none yet).
    std::uint64_t version() const noexcept { return version_; }
    /// [osc] Appends every address changed after version `since`, with its latest value, in
    /// the order of their last change.
    void changesSince(std::uint64_t since, std::vector<std::pair<std::string, float>>& out) const;
    /// [osc] Addresses the log holds (bounded by the session's parameters).
    std::size_t size() const noexcept { return latest_.size(); }

private:
    struct Pending {
        std::string address;
        float value;
        std::int64_t dueNs;
    };
    struct Entry {
        float value = 0.0f;
        std::uint64_t version = 0;
    };
    void record(const std::string& address, float value);

    std::function<void()> wake_;
    std::function<void(const port::Notice&)> onNotice_;
    std::mutex mutex_; // guards pending_ and reset_ (control threads vs the OSC thread)
    std::vector<Pending> pending_;
    bool reset_ = false;

    // The OSC thread's own.
    std::vector<Pending> intake_;
    std::multimap<std::int64_t, std::pair<std::string, float>> deferred_;
    std::unordered_map<std::string, Entry> latest_;
    std::map<std::uint64_t, std::string> order_; // version → address, one entry per address
    std::uint64_t version_ = 0;
};

} // namespace backline::control
