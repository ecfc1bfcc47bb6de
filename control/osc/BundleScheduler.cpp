// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/BundleScheduler.h"

#include "control/osc/OscConfig.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <limits>

namespace backline::control {

namespace {

const auto leadNs = std::int64_t(config::oscScheduleLeadSeconds * 1e9);

} // namespace

Result<void> BundleScheduler::submit(std::vector<port::ParamChange> changes, std::int64_t dueNs, const Endpoint& from,
    std::int64_t nowNs)
{
    if (dueNs - nowNs <= leadNs)
        return apply(changes, dueNs, nowNs);
    if (pending_.size() >= config::oscMaxPendingBundles)
        return makeError(ErrorCode::Engine,
            fmt::format("{} timed bundles are already waiting; this one is refused", config::oscMaxPendingBundles));
    if (auto r = control_.params().check(changes); !r)
        return r;
    pending_.emplace(dueNs, Timed {std::move(changes), from});
    return {};
}

Result<void> BundleScheduler::apply(std::span<const port::ParamChange> changes, std::int64_t dueNs, std::int64_t nowNs)
{
    std::uint64_t frame = 0;
    if (dueNs > nowNs) {
        const port::EngineClock reading = control_.clock();
        clock_.add(reading);
        const std::uint64_t due = clock_.frameAt(dueNs);
        // At or before the frame the engine processes next: at once.
        frame = due > reading.frame ? due : 0;
        spdlog::debug("osc: bundle due in {:.2f} ms goes to engine frame {} (the engine is at {}, its clock runs at "
                      "{:.1f} frames/s)",
            double(dueNs - nowNs) / 1e6, frame, reading.frame, clock_.framesPerSecond());
    }
    // Subscribers see the values when they sound, not when they were queued.
    return control_.params().setBatch(changes, frame, frame != 0 ? dueNs : 0);
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
