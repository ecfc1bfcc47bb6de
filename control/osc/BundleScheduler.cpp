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

void BundleScheduler::submit(std::vector<port::ParamChange> changes, std::vector<TimedAction> actions,
    std::int64_t dueNs, const Endpoint& from, std::int64_t nowNs, const ErrorSink& onError)
{
    Timed bundle {std::move(changes), std::move(actions), from};
    if (dueNs - nowNs <= leadNs) {
        apply(bundle, dueNs, nowNs, onError);
        return;
    }
    if (pending_.size() >= config::oscMaxPendingBundles) {
        onError("#bundle", fmt::format("{} timed bundles are already waiting; this one is refused", config::oscMaxPendingBundles));
        return;
    }
    if (auto r = control_.params().check(bundle.changes); !r) {
        onError("#bundle", r.error().message);
        return;
    }
    pending_.emplace(dueNs, std::move(bundle));
}

std::uint64_t BundleScheduler::frameAt(std::int64_t dueNs, std::int64_t nowNs)
{
    if (dueNs <= nowNs)
        return 0;
    const port::EngineClock reading = control_.clock();
    clock_.add(reading);
    const std::uint64_t due = clock_.frameAt(dueNs);
    spdlog::debug("osc: bundle due in {:.2f} ms goes to engine frame {} (the engine is at {}, its clock runs at "
                  "{:.1f} frames/s)",
        double(dueNs - nowNs) / 1e6, due, reading.frame, clock_.framesPerSecond());
    // At or before the frame the engine processes next: at once.
    return due > reading.frame ? due : 0;
}

void BundleScheduler::apply(Timed& bundle, std::int64_t dueNs, std::int64_t nowNs, const ErrorSink& onError)
{
    const std::uint64_t frame = frameAt(dueNs, nowNs);
    if (!bundle.changes.empty())
        // Subscribers see the values when they sound, not when they were queued.
        if (auto r = control_.params().setBatch(bundle.changes, frame, frame != 0 ? dueNs : 0); !r) {
            onError("#bundle", r.error().message);
            return; // all or none: its recalls and markers are not done either
        }
    for (auto& action : bundle.actions)
        if (auto r = action.run(frame); !r)
            onError(action.address, r.error().message);
}

void BundleScheduler::handOver(std::int64_t nowNs,
    const std::function<void(const Endpoint&, std::string_view address, const std::string&)>& onError)
{
    while (!pending_.empty() && pending_.begin()->first - nowNs <= leadNs) {
        auto node = pending_.extract(pending_.begin());
        Timed& bundle = node.mapped();
        apply(bundle, node.key(), nowNs,
            [&](std::string_view address, const std::string& why) { onError(bundle.from, address, why); });
    }
}

std::int64_t BundleScheduler::nextHandOverNs() const
{
    return pending_.empty() ? std::numeric_limits<std::int64_t>::max() : pending_.begin()->first - leadNs;
}

} // namespace backline::control
