// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/ControlPort.h"
#include "FakeArrangement.h"
#include "FakePlay.h"
#include "FakeTransport.h"
#include "NoRecorderPort.h"
#include "show/SceneBook.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace backline::test {

/// A control port without an engine: parameters in a map, listeners told like ParamControl
/// tells them (on the changing thread, after the change), batches recorded with their frame;
/// the real scene book over them.
class FakeTarget final : public test::NoRecorderPort, public port::ParamPort {
public:
    struct Batch {
        std::vector<port::ParamChange> changes;
        std::uint64_t atFrame = 0;
        std::optional<transport::Boundary> line; ///< morphOnLine()'s
    };

    FakeTarget()
    {
        for (const char* track : {"a", "b", "c"}) {
            add(fmt::format("/track/{}/gain", track), "dB", -120, 12, 0);
            add(fmt::format("/track/{}/pan", track), "", -1, 1, 0);
            add(fmt::format("/track/{}/mute", track), "", 0, 1, 0, port::ParamKind::Toggle);
        }
        add("/master/gain", "dB", -120, 12, 0);
        listeners_.add(&sceneBook);
    }
    ~FakeTarget() override { listeners_.remove(&sceneBook); }

    void add(const std::string& address, const std::string& unit, float min, float max, float init,
        port::ParamKind kind = port::ParamKind::Continuous, int midiCc = -1)
    {
        port::ParamState p;
        p.info.address = address;
        p.info.unit = unit;
        p.info.min = min;
        p.info.max = max;
        p.info.init = init;
        p.info.kind = kind;
        p.info.midiCc = midiCc;
        p.value = init;
        std::lock_guard lock(mutex_);
        params_.emplace(address, p);
        order_.push_back(address);
    }

    Result<float> set(std::string_view address, double value) override
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
        listeners_.changed({{std::string(address), float(value)}}, 0);
        return float(value);
    }

    Result<void> check(std::span<const port::ParamChange> changes) const override
    {
        std::lock_guard lock(mutex_);
        return checkLocked(changes);
    }

    Result<void> setBatch(std::span<const port::ParamChange> changes, std::uint64_t atFrame, std::int64_t dueNs) override
    {
        return store(changes, atFrame, std::nullopt, dueNs);
    }

    /// setBatch(), remembering when it was to land.
    Result<void> store(std::span<const port::ParamChange> changes, std::uint64_t atFrame,
        std::optional<transport::Boundary> line, std::int64_t dueNs)
    {
        {
            std::lock_guard lock(mutex_);
            if (auto r = checkLocked(changes); !r)
                return r;
            for (const auto& [address, value] : changes)
                params_[address].value = float(value);
            batches_.push_back({{changes.begin(), changes.end()}, atFrame, line});
        }
        std::vector<std::pair<std::string, float>> changed;
        for (const auto& [address, value] : changes)
            changed.emplace_back(address, float(value));
        listeners_.changed(changed, dueNs);
        return {};
    }

    /// No audio thread here: a morph is taken as the batch it ends in.
    Result<void> morph(std::span<const port::ParamChange> changes, double fadeSeconds, std::uint64_t atFrame,
        std::int64_t dueNs, std::uint64_t) override
    {
        if (auto problem = port::fadeProblem(fadeSeconds); !problem.empty())
            return makeError(ErrorCode::Param, problem);
        lastFade = fadeSeconds;
        return setBatch(changes, atFrame, dueNs);
    }

    Result<void> morphOnLine(std::span<const port::ParamChange> changes, double fadeSeconds, transport::Boundary line,
        std::uint64_t notBefore, std::int64_t dueNs, std::uint64_t) override
    {
        if (auto problem = port::fadeProblem(fadeSeconds); !problem.empty())
            return makeError(ErrorCode::Param, problem);
        lastFade = fadeSeconds;
        return store(changes, notBefore, line, dueNs);
    }

    Result<port::ParamState> get(std::string_view address) const override
    {
        std::lock_guard lock(mutex_);
        auto it = params_.find(std::string(address));
        if (it == params_.end())
            return makeError(ErrorCode::Param, fmt::format("unknown parameter '{}'", address));
        return it->second;
    }

    std::vector<port::ParamState> all() const override
    {
        std::lock_guard lock(mutex_);
        std::vector<port::ParamState> out;
        for (const auto& address : order_)
            out.push_back(params_.at(address));
        return out;
    }

    Result<std::string> reloadSession() override
    {
        reloadStarted = true;
        if (reloadGate.valid())
            reloadGate.wait();
        ++reloads;
        listeners_.reset();
        return std::string("fake-reloaded");
    }

    Result<std::string> saveSession(std::string_view path) override
    {
        savedTo = std::string(path);
        return std::string("/fake/") + (path.empty() ? "session.yaml" : std::string(path));
    }

    port::DaemonStatus status() override
    {
        port::DaemonStatus s;
        s.session = "fake";
        s.sampleRate = 48000;
        s.bufferSize = 128;
        s.tracks = 3;
        return s;
    }

    port::MeterSnapshot meters() override
    {
        port::MeterSnapshot s;
        for (const char* name : {"track/a", "track/b", "master"}) {
            port::MeterReading r;
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

    port::ParamPort& params() override { return *this; }
    port::EngineClock clock() override { return engineClock; }
    port::TransportPort& transport() override { return fakeTransport; }
    port::ScenePort& scenes() override { return sceneBook; }
    port::ArrangementPort& arrangement() override { return fakeArrangement; }
    port::PlayPort& play() override { return fakePlay; }
    port::MidiPort& midi() override { return midiPort ? *midiPort : fakeMidi; }
    void addListener(port::ChangeListener* listener) override { listeners_.add(listener); }
    void removeListener(port::ChangeListener* listener) override { listeners_.remove(listener); }
    void resetLoudness() override { }

    /// A notice posted by the daemon (a recorder event, a DSP fault).
    void post(const port::Notice& notice) { listeners_.notice(notice); }

    /// A change made elsewhere (MIDI, a scene): set and tell listeners, on this thread.
    void changeFromElsewhere(const std::string& address, float value) { (void)set(address, value); }

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

    port::EngineClock engineClock;
    FakeTransport fakeTransport;
    FakeArrangement fakeArrangement;
    FakePlay fakePlay;
    port::NoMidi fakeMidi;
    port::MidiPort* midiPort = nullptr; ///< a MIDI surface a test puts here (none: NoMidi)
    show::SceneBook sceneBook {*this, fakeTransport};
    double lastFade = 0.0; ///< the fade of the last morph
    /// When valid, a reload waits for it: the test decides when the reload is done.
    std::shared_future<void> reloadGate;
    std::atomic<int> reloads {0};
    std::string savedTo; ///< the path the last save was asked for (job thread)
    std::atomic<bool> reloadStarted {false};

private:

    Result<void> checkLocked(std::span<const port::ParamChange> changes) const
    {
        for (const auto& [address, value] : changes) {
            auto it = params_.find(address);
            if (it == params_.end())
                return makeError(ErrorCode::Param, fmt::format("unknown parameter '{}'", address));
            if (!std::isfinite(value) || value < it->second.info.min || value > it->second.info.max)
                return makeError(ErrorCode::Param, fmt::format("{}: {:g} is out of range", address, value));
        }
        return {};
    }

    mutable std::mutex mutex_;
    std::map<std::string, port::ParamState> params_;
    std::vector<std::string> order_;
    std::vector<Batch> batches_;
    std::uint64_t sets_ = 0;
    port::Listeners listeners_;
};

} // namespace backline::test
