// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ControlTarget.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>

namespace backline::test {

/// A ControlTarget without an engine: parameters in a map, listeners told like ParamControl
/// tells them (on the changing thread, after the change), batches recorded with their frame.
class FakeTarget final : public control::ControlTarget {
public:
    struct Batch {
        std::vector<control::ParamChangeRequest> changes;
        std::uint64_t atFrame = 0;
    };

    FakeTarget()
    {
        for (const char* track : {"a", "b", "c"}) {
            add(fmt::format("/track/{}/gain", track), "dB", -120, 12, 0);
            add(fmt::format("/track/{}/pan", track), "", -1, 1, 0);
            add(fmt::format("/track/{}/mute", track), "", 0, 1, 0, faust::ParamKind::Toggle);
        }
        add("/master/gain", "dB", -120, 12, 0);
    }

    void add(const std::string& address, const std::string& unit, float min, float max, float init,
        faust::ParamKind kind = faust::ParamKind::Continuous)
    {
        engine::ParamState p;
        p.info.address = address;
        p.info.unit = unit;
        p.info.min = min;
        p.info.max = max;
        p.info.init = init;
        p.info.kind = kind;
        p.value = init;
        std::lock_guard lock(mutex_);
        params_.emplace(address, p);
        order_.push_back(address);
    }

    Result<float> setParam(std::string_view address, double value) override
    {
        {
            std::lock_guard lock(mutex_);
            auto it = params_.find(std::string(address));
            if (it == params_.end())
                return makeError(ErrorCode::Param, fmt::format("unknown parameter '{}'", address));
            if (!std::isfinite(value) || value < it->second.info.min || value > it->second.info.max)
                return makeError(ErrorCode::Param, fmt::format("{}: {:g} is out of range", address, value));
            it->second.value = float(value);
            ++sets_;
        }
        notify(std::string(address), float(value));
        return float(value);
    }

    Result<void> setParams(std::span<const control::ParamChangeRequest> changes, std::uint64_t atFrame) override
    {
        {
            std::lock_guard lock(mutex_);
            for (const auto& [address, value] : changes) {
                auto it = params_.find(address);
                if (it == params_.end())
                    return makeError(ErrorCode::Param, fmt::format("unknown parameter '{}'", address));
                if (!std::isfinite(value) || value < it->second.info.min || value > it->second.info.max)
                    return makeError(ErrorCode::Param, fmt::format("{}: {:g} is out of range", address, value));
            }
            for (const auto& [address, value] : changes)
                params_[address].value = float(value);
            batches_.push_back({{changes.begin(), changes.end()}, atFrame});
        }
        for (const auto& [address, value] : changes)
            notify(address, float(value));
        return {};
    }

    Result<engine::ParamState> getParam(std::string_view address) override
    {
        std::lock_guard lock(mutex_);
        auto it = params_.find(std::string(address));
        if (it == params_.end())
            return makeError(ErrorCode::Param, fmt::format("unknown parameter '{}'", address));
        return it->second;
    }

    std::vector<engine::ParamState> params() override
    {
        std::lock_guard lock(mutex_);
        std::vector<engine::ParamState> out;
        for (const auto& address : order_)
            out.push_back(params_.at(address));
        return out;
    }

    Result<void> reloadSession() override
    {
        std::this_thread::sleep_for(reloadTakes);
        ++reloads;
        std::lock_guard lock(listenersMutex_);
        for (auto* l : listeners_)
            l->paramsReset();
        return {};
    }

    control::DaemonStatus status() override
    {
        control::DaemonStatus s;
        s.session = "fake";
        s.sampleRate = 48000;
        s.bufferSize = 128;
        s.tracks = 3;
        return s;
    }

    meter::MeterSnapshot meters() override
    {
        meter::MeterSnapshot s;
        for (const char* name : {"track/a", "track/b", "master"}) {
            meter::MeterReading r;
            r.name = name;
            r.level.peakDb[0] = -6.0;
            r.level.peakDb[1] = -7.0;
            r.level.rmsDb[0] = -12.0;
            r.level.rmsDb[1] = -13.0;
            s.meters.push_back(r);
        }
        s.loudness.momentary = -20.0;
        return s;
    }

    control::EngineClock engineClock() override { return clock; }

    void addParamListener(engine::ParamListener* listener) override
    {
        std::lock_guard lock(listenersMutex_);
        listeners_.push_back(listener);
    }
    void removeParamListener(engine::ParamListener* listener) override
    {
        std::lock_guard lock(listenersMutex_);
        std::erase(listeners_, listener);
    }

    /// A change made elsewhere (MIDI, a scene): set and tell listeners, on this thread.
    void changeFromElsewhere(const std::string& address, float value) { (void)setParam(address, value); }

    std::vector<Batch> batches()
    {
        std::lock_guard lock(mutex_);
        return batches_;
    }
    std::uint64_t sets()
    {
        std::lock_guard lock(mutex_);
        return sets_;
    }
    float value(const std::string& address)
    {
        std::lock_guard lock(mutex_);
        return params_.at(address).value;
    }

    control::EngineClock clock;
    std::chrono::milliseconds reloadTakes {0};
    std::atomic<int> reloads {0};

private:
    void notify(const std::string& address, float value)
    {
        std::lock_guard lock(listenersMutex_);
        for (auto* l : listeners_)
            l->paramChanged(address, value);
    }

    std::mutex mutex_;
    std::map<std::string, engine::ParamState> params_;
    std::vector<std::string> order_;
    std::vector<Batch> batches_;
    std::uint64_t sets_ = 0;
    std::mutex listenersMutex_;
    std::vector<engine::ParamListener*> listeners_;
};

} // namespace backline::test
