// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ClientTable.h"
#include "port/ControlPort.h"
#include "control/osc/ClockEstimator.h"
#include "control/osc/OscRoutes.h"
#include "control/osc/Timetag.h"
#include "core/Result.h"

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
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

    /// Where a failure goes: the address that failed ("#bundle" when the sets were refused,
    /// and with them the whole bundle) and why.
    using ErrorSink = std::function<void(std::string_view address, const std::string& why)>;

    /// Applies changes, then runs actions (a timed bundle's recalls and markers, checked by
    /// their routes), due at CLOCK_MONOTONIC dueNs (0 or past: at the next block), or checks the
    /// changes by the port's rules and keeps all until shortly before. Failures now go to
    /// onError; failures at hand-over to handOver's.
    void submit(std::vector<port::ParamChange> changes, std::vector<TimedAction> actions, std::int64_t dueNs,
        const Endpoint& from, std::int64_t nowNs, const ErrorSink& onError);
    /// Hands what falls due to the engine; a bundle the engine refuses then (a reload removed
    /// its parameter) or an action that fails then (its scene was deleted) is reported to
    /// onError with its sender and the failing address.
    void handOver(std::int64_t nowNs,
        const std::function<void(const Endpoint&, std::string_view address, const std::string&)>& onError);
    /// When handOver() next has work; INT64_MAX when nothing waits.
    std::int64_t nextHandOverNs() const;
    /// Takes a reading of the engine's clock (call every 100 ms or so).
    void sampleClock() { clock_.add(control_.clock()); }
    /// Bundles waiting.
    std::size_t pending() const noexcept { return pending_.size(); }

private:
    struct Timed {
        std::vector<port::ParamChange> changes;
        std::vector<TimedAction> actions;
        Endpoint from;
    };
    /// The engine frame dueNs falls on (0: the next block).
    std::uint64_t frameAt(std::int64_t dueNs, std::int64_t nowNs);
    /// Applies a due bundle; each failure goes to onError.
    void apply(Timed& bundle, std::int64_t dueNs, std::int64_t nowNs, const ErrorSink& onError);

    port::ControlPort& control_;
    ClockEstimator clock_;
    std::multimap<std::int64_t, Timed> pending_; // by due time; equal times keep arrival order
};

} // namespace backline::control
