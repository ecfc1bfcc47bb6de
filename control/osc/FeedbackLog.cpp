// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/FeedbackLog.h"

#include <limits>

namespace backline::control {

void FeedbackLog::paramChanged(const std::string& address, float value, std::int64_t dueNs)
{
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        first = pending_.empty() && !reset_;
        pending_.push_back({address, value, dueNs});
    }
    if (first && wake_)
        wake_();
}

void FeedbackLog::paramsReset()
{
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        first = pending_.empty() && !reset_;
        reset_ = true;
    }
    if (first && wake_)
        wake_();
}

void FeedbackLog::notice(const port::Notice& notice)
{
    if (onNotice_)
        onNotice_(notice);
}

void FeedbackLog::record(const std::string& address, float value)
{
    auto [it, inserted] = latest_.try_emplace(address);
    if (!inserted)
        order_.erase(it->second.version);
    it->second.value = value;
    it->second.version = ++version_;
    order_.emplace(version_, address);
}

bool FeedbackLog::collect(std::int64_t nowNs, const port::ParamPort& params)
{
    bool reset = false;
    {
        std::lock_guard lock(mutex_);
        intake_.swap(pending_);
        reset = reset_;
        reset_ = false;
    }
    if (reset) {
        // Every value may have changed and addresses may be gone: subscribers get a snapshot.
        latest_.clear();
        order_.clear();
        deferred_.clear();
    }
    for (auto& change : intake_) {
        if (change.dueNs > nowNs)
            deferred_.emplace(change.dueNs, std::pair(std::move(change.address), change.value));
        else if (auto current = params.get(change.address))
            record(change.address, current->value);
        else
            record(change.address, change.value);
    }
    intake_.clear();
    while (!deferred_.empty() && deferred_.begin()->first <= nowNs) {
        auto& [address, value] = deferred_.begin()->second;
        auto current = params.get(address);
        record(address, current ? current->value : value);
        deferred_.erase(deferred_.begin());
    }
    return reset;
}

std::int64_t FeedbackLog::nextDueNs() const
{
    return deferred_.empty() ? std::numeric_limits<std::int64_t>::max() : deferred_.begin()->first;
}

void FeedbackLog::changesSince(std::uint64_t since, std::vector<std::pair<std::string, float>>& out) const
{
    for (auto it = order_.upper_bound(since); it != order_.end(); ++it)
        out.emplace_back(it->second, latest_.at(it->second).value);
}

} // namespace backline::control
