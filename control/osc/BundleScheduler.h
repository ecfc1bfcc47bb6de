// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ClientTable.h"
#include "port/ControlPort.h"
#include "control/osc/ClockEstimator.h"
#include "control/osc/Timetag.h"
#include "core/Result.h"

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace backline::control {

/// Applies the parameter changes of bundles, all or none in one audio block. Bundles stamped in
/// the future wait here until config::oscScheduleLeadSeconds before they are due and then go to
/// the engine at the frame its clock predicts: half a second ahead, a clock a percent off would
/// miss by 5 ms; 50 ms ahead, by half a millisecond. [osc]
class BundleScheduler {
public:
    explicit BundleScheduler(port::ControlPort& control)
        : control_(control)
    {
    }

    /// Applies changes due at CLOCK_MONOTONIC dueNs (0 or past: at the next block), or checks
    /// them by the port's rules and keeps them until shortly before. Errors now are returned; errors at hand-over go to onError.
    Result<void> submit(std::vector<port::ParamChange> changes, std::int64_t dueNs, const Endpoint& from,
        std::int64_t nowNs);
    /// Hands what falls due to the engine; a bundle the engine refuses then (a reload removed
    /// its parameter) is reported to onError with its sender.
    void handOver(std::int64_t nowNs, const std::function<void(const Endpoint&, const std::string&)>& onError);
    /// When handOver() next has work; INT64_MAX when nothing waits.
    std::int64_t nextHandOverNs() const;
    /// Takes a reading of the engine's clock (call every 100 ms or so).
    void sampleClock() { clock_.add(control_.clock()); }
    /// Bundles waiting.
    std::size_t pending() const noexcept { return pending_.size(); }

private:
    struct Timed {
        std::vector<port::ParamChange> changes;
        Endpoint from;
    };
    Result<void> apply(std::span<const port::ParamChange> changes, std::int64_t dueNs, std::int64_t nowNs);

    port::ControlPort& control_;
    ClockEstimator clock_;
    std::multimap<std::int64_t, Timed> pending_; // by due time; equal times keep arrival order
};

} // namespace backline::control
