// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/TransportText.h"
#include "port/TransportPort.h"

#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace backline::test {

/// A transport without an engine, for the OSC surface's tests: it checks values by the real
/// rules (core/TransportRules.h), takes them at once and remembers each request in words.
class FakeTransport final : public port::TransportPort {
public:
    Result<void> play(std::uint64_t) override { return take("play", [](auto& p) { p.state = port::TransportState::Rolling; }); }
    Result<void> stop(std::uint64_t) override { return take("stop", [](auto& p) { p.state = port::TransportState::Stopped; }); }
    Result<port::TransportPosition> locate(double seconds, std::uint64_t) override
    {
        if (auto problem = transport::locateProblem(seconds); !problem.empty())
            return makeError(ErrorCode::Param, problem);
        (void)take("locate", [&](auto& p) { p.seconds = seconds; });
        return position();
    }
    Result<port::TransportPosition> locate(transport::BarBeat where, std::uint64_t) override
    {
        if (auto problem = transport::beatProblem(where.beat, position().meterNum); !problem.empty())
            return makeError(ErrorCode::Param, problem);
        (void)take("locate bar", [&](auto& p) {
            p.bar = where.bar;
            p.beat = where.beat;
        });
        return position();
    }
    Result<void> setTempo(double bpm, double glide, std::uint64_t) override
    {
        if (auto problem = transport::tempoProblem(bpm) + transport::glideProblem(glide); !problem.empty())
            return makeError(ErrorCode::Param, problem);
        return take("tempo", [&](auto& p) { p.targetBpm = p.bpm = bpm; });
    }
    Result<void> setMeter(int num, int den, std::uint64_t) override
    {
        if (auto problem = transport::meterProblem(num, den); !problem.empty())
            return makeError(ErrorCode::Param, problem);
        return take("meter", [&](auto& p) {
            p.meterNum = num;
            p.meterDen = den;
        });
    }
    port::TransportPosition position() const override
    {
        std::lock_guard lock(mutex_);
        return position_;
    }
    /// No grid here: no line is known (a quantised recall's line is the audio thread's to find).
    std::optional<std::uint64_t> nextBoundary(transport::Boundary, std::uint64_t) const override { return std::nullopt; }
    std::optional<std::uint64_t> frameOf(transport::BarBeat) const override { return std::nullopt; }

    /// The requests taken so far, in words ("play", "tempo", …).
    std::vector<std::string> requests() const
    {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    template <typename Change>
    Result<void> take(const char* what, Change change)
    {
        std::lock_guard lock(mutex_);
        change(position_);
        ++position_.changes;
        requests_.emplace_back(what);
        return {};
    }

    mutable std::mutex mutex_;
    port::TransportPosition position_;
    std::vector<std::string> requests_;
};

} // namespace backline::test
