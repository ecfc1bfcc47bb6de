// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/BundleScheduler.h"

#include "control/osc/FeedbackLog.h"
#include "control/osc/OscConfig.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <limits>
#include <optional>

namespace backline::control {

namespace {

const auto leadNs = std::int64_t(config::oscScheduleLeadSeconds * 1e9);

} // namespace

Result<void> BundleScheduler::check(std::span<const ParamChangeRequest> changes)
{
    for (const auto& [address, value] : changes) {
        auto state = target_.getParam(address);
        if (!state)
            return state.error();
        const auto& info = state->info;
        if (!std::isfinite(value))
            return makeError(ErrorCode::Param, fmt::format("{}: value must be a finite number", address));
        if (value < info.min || value > info.max)
            return makeError(ErrorCode::Param,
                fmt::format("{}: {:g} is out of range ({:g} to {:g}{})", address, value, info.min, info.max,
                    info.unit.empty() ? "" : " " + info.unit));
        const bool isSwitch = info.kind == faust::ParamKind::Toggle || info.kind == faust::ParamKind::Trigger;
        if (isSwitch && value != 0.0 && value != 1.0)
            return makeError(ErrorCode::Param, fmt::format("{}: expects 0 or 1, got {:g}", address, value));
    }
    return {};
}

Result<void> BundleScheduler::submit(std::vector<ParamChangeRequest> changes, std::int64_t dueNs, const Endpoint& from,
    std::int64_t nowNs)
{
    if (dueNs - nowNs <= leadNs)
        return apply(changes, dueNs, nowNs);
    if (pending_.size() >= config::oscMaxPendingBundles)
        return makeError(ErrorCode::Engine,
            fmt::format("{} timed bundles are already waiting; this one is refused", config::oscMaxPendingBundles));
    if (auto r = check(changes); !r)
        return r;
    pending_.emplace(dueNs, Timed {std::move(changes), from});
    return {};
}

Result<void> BundleScheduler::apply(std::span<const ParamChangeRequest> changes, std::int64_t dueNs, std::int64_t nowNs)
{
    std::uint64_t frame = 0;
    if (dueNs > nowNs) {
        const EngineClock reading = target_.engineClock();
        clock_.add(reading);
        const std::uint64_t due = clock_.frameAt(dueNs);
        // At or before the frame the engine processes next: at once.
        frame = due > reading.frame ? due : 0;
        spdlog::debug("osc: bundle due in {:.2f} ms goes to engine frame {} (the engine is at {}, its clock runs at "
                      "{:.1f} frames/s)",
            double(dueNs - nowNs) / 1e6, frame, reading.frame, clock_.framesPerSecond());
    }
    // Subscribers see the values when they sound, not when they were queued.
    std::optional<FeedbackLog::Deferral> later;
    if (frame != 0)
        later.emplace(dueNs);
    return target_.setParams(changes, frame);
}

void BundleScheduler::handOver(std::int64_t nowNs,
    const std::function<void(const Endpoint&, const std::string&)>& onError)
{
    while (!pending_.empty() && pending_.begin()->first - nowNs <= leadNs) {
        auto node = pending_.extract(pending_.begin());
        if (auto r = apply(node.mapped().changes, node.key(), nowNs); !r)
            onError(node.mapped().from, r.error().message);
    }
}

std::int64_t BundleScheduler::nextHandOverNs() const
{
    return pending_.empty() ? std::numeric_limits<std::int64_t>::max() : pending_.begin()->first - leadNs;
}

} // namespace backline::control
