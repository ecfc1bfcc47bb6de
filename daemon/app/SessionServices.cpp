// SPDX-License-Identifier: GPL-3.0-or-later
// What the running session does for the rest of the daemon between loads: the recorder's
// upkeep, reports of DSP faults and record events, and the answers surfaces ask for (summary,
// meters, record requests). The loading, going live and rejoining JACK are in SessionHost.cpp.
#include "app/SessionHost.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>

namespace backline::app {

void SessionHost::serviceRecording()
{
    if (!recording_)
        return;
    std::lock_guard lock(mutex_);
    if (pendingTaps_) {
        const auto [active, since] = engine_.activeTaps();
        if (active == pendingTaps_) {
            recording_->tapsLive(since);
            pendingTaps_ = nullptr;
        }
    }
    if (jack_.backend()) {
        const std::uint64_t xruns = jack_.xruns();
        if (xruns > xrunsSeen_)
            recording_->noteXruns(xruns - xrunsSeen_);
        xrunsSeen_ = xruns;
    }
}

void SessionHost::reportDspFaults()
{
    // A reload holds the lock while it compiles: the counts wait for the next pass.
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock || !live_)
        return;
    for (const auto& fault : dspFaults_.poll(*live_, std::chrono::steady_clock::now())) {
        spdlog::error("{} output NaN, infinity or a level past +96 dBFS in {} block(s) ({} since the session "
                      "loaded): each was silenced and the DSP's state reset",
            fault.label, fault.blocks, fault.total);
        listeners_.notice({"/dsp/fault", {fault.label, int(fault.blocks), int(fault.total)}});
    }
}

SessionHost::SaveSource SessionHost::saveSource()
{
    std::lock_guard lock(mutex_);
    return {spec_, params_.carried(), loads_};
}

void SessionHost::savedOver(
    std::uint64_t loads, session::SessionSpec spec, std::span<const port::ParamChange> values)
{
    std::lock_guard lock(mutex_);
    if (loads != loads_)
        return;
    // Only the text and what it gives change: the settings the running session was started
    // with (transport, recording, OSC) are a save's to keep, not to apply.
    spec_.text = std::move(spec.text);
    spec_.scenes = std::move(spec.scenes);
    spec_.safe = std::move(spec.safe);
    params_.fileSays(values);
}

void SessionHost::sectionStarted(const engine::SectionNews& news)
{
    spdlog::info("song '{}': section '{}'{}{}", news.song, news.section, news.scene.empty() ? "" : ", scene ",
        news.scene);
    if (!news.scene.empty())
        scenes_.recalledBySection(news.scene);
    // recording_ lives as long as this host, and takes markers from any thread: no session
    // lock, which a reload may hold for seconds, is needed (a take without it loses no marker).
    if (recording_ && recording_->status().state != record::RecorderState::Idle)
        if (auto r = recording_->marker(news.song + "/" + news.section, news.frame); !r)
            spdlog::warn("no marker for section '{}' of '{}': {}", news.section, news.song, r.error().message);
    listeners_.notice({"/arrangement/section", {news.song, news.section, news.scene}});
}

void SessionHost::sceneLanded(const std::string& scene, std::uint64_t frame)
{
    // As sectionStarted: no session lock is needed to reach the recorder.
    if (recording_ && recording_->status().state != record::RecorderState::Idle)
        if (auto r = recording_->marker("scene:" + scene, frame); !r)
            spdlog::warn("no marker for the recall of scene '{}': {}", scene, r.error().message);
}

void SessionHost::onRecordEvent(const record::RecordEvent& event)
{
    const char* name = record::eventName(event.kind);
    switch (event.kind) {
    case record::RecordEvent::Kind::WriteFailed:
    case record::RecordEvent::Kind::LowDiskSpace:
    case record::RecordEvent::Kind::FramesDropped:
        spdlog::error("record: {}: {}", name, event.message);
        break;
    default:
        spdlog::info("record: {}{}{}", name, event.message.empty() ? "" : ": ", event.message);
    }
    // Listeners queue it: this runs on the disk thread and must not wait.
    listeners_.notice({"/record/event",
        {std::string(name), event.take.string(), event.source, event.message,
            int(std::min<std::uint64_t>(event.frames, INT32_MAX))}});
}

SessionHost::Summary SessionHost::summary()
{
    // A reload or a JACK reconnect holds the session lock for seconds: answer with what was
    // known before rather than make a surface's thread wait.
    std::unique_lock lock(mutex_, std::try_to_lock);
    std::lock_guard cache(summaryMutex_);
    if (!lock)
        return lastSummary_;
    Summary s;
    s.name = spec_.name;
    s.tracks = int(spec_.tracks.size());
    s.buses = int(spec_.buses.size());
    if (auto* jack = jack_.backend()) {
        s.sampleRate = jack->sampleRate();
        s.bufferSize = int(jack->bufferSize());
        s.xruns = jack_.xruns();
        s.dspLoadPercent = jack->cpuLoad();
    } else {
        s.sampleRate = spec_.sampleRate;
    }
    lastSummary_ = s;
    return s;
}

session::OscSpec SessionHost::oscSpec()
{
    std::lock_guard cache(summaryMutex_);
    return oscSpec_;
}

session::WebSpec SessionHost::webSpec()
{
    std::lock_guard cache(summaryMutex_);
    return webSpec_;
}

session::MidiSpec SessionHost::midiSpec()
{
    std::lock_guard cache(summaryMutex_);
    return midiSpec_;
}

port::MeterSnapshot SessionHost::meters()
{
    std::lock_guard lock(metersMutex_);
    return meters_ ? meters_->snapshot() : port::MeterSnapshot {};
}

void SessionHost::resetLoudness()
{
    std::lock_guard lock(metersMutex_);
    if (meters_)
        meters_->resetLoudness();
}

Result<std::string> SessionHost::recordStart(std::string_view name)
{
    if (!recording_)
        return makeError(ErrorCode::Engine, "recording is unavailable (see the daemon's log)");
    std::string snapshot;
    std::string takeName(name);
    {
        std::lock_guard lock(mutex_);
        snapshot = spec_.text;
        // A take always has a name in its folder: the session's when none is given.
        if (takeName.empty())
            takeName = spec_.name;
    }
    auto take = recording_->start(takeName, std::move(snapshot));
    if (!take)
        return take.error();
    return take->folder.string();
}

Result<void> SessionHost::setRecordSources(std::vector<std::string> ids)
{
    if (!recording_)
        return makeError(ErrorCode::Engine, "recording is unavailable (see the daemon's log)");
    std::lock_guard lock(mutex_);
    if (!live_)
        return makeError(ErrorCode::Engine, "no session is running");
    if (auto r = recording_->setSources(std::move(ids), *live_); !r)
        return r;
    auto taps = makeTaps(*live_);
    if (!taps)
        return taps.error();
    if (recording_->awaitingOrigin())
        pendingTaps_ = taps->get();
    engine_.installTaps(std::move(taps.value()));
    return {};
}

} // namespace backline::app

namespace backline::app {

void SessionHost::applyConnectionRules(jack::JackBackend& jack)
{
    const auto rules = connections_.rules();
    if (const std::size_t made = jack.applyRules(rules); made > 0)
        spdlog::info("auto-connect: {} connection{} made by the session's {} rule{}", made, made == 1 ? "" : "s",
            rules.size(), rules.size() == 1 ? "" : "s");
}

void SessionHost::serviceConnections()
{
    // A reload or a reconnect holds the lock for seconds, and connects everything itself when
    // it is done: no need to wait for it.
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock)
        return;
    auto* jack = jack_.backend();
    if (!jack || jack_.serverGone())
        return;
    if (const std::size_t made = jack->applyRulesToNewPorts(connections_.rules()); made > 0)
        spdlog::info("auto-connect: {} connection{} made for ports that appeared", made, made == 1 ? "" : "s");
}

std::vector<port::ConnectionState> SessionHost::connections()
{
    std::vector<port::ConnectionState> states;
    std::lock_guard lock(mutex_);
    auto* jack = jack_.backend();
    for (auto& rule : connections_.rules()) {
        const std::size_t held = jack && !jack_.serverGone() ? jack->connectionsOf(rule) : 0;
        states.push_back({std::move(rule), held});
    }
    return states;
}

Result<std::size_t> SessionHost::addConnection(const port::ConnectionRule& rule)
{
    std::lock_guard lock(mutex_);
    if (auto r = connections_.add(rule); !r)
        return r.error();
    auto* jack = jack_.backend();
    // Away from JACK the rule waits: the rejoin carries out every rule.
    const std::size_t made = jack && !jack_.serverGone() ? jack->applyRules({rule}) : 0;
    spdlog::info("auto-connect: rule {} → {} added, {} connection{} made", rule.from, rule.to, made, made == 1 ? "" : "s");
    return made;
}

Result<void> SessionHost::removeConnection(const port::ConnectionRule& rule)
{
    std::lock_guard lock(mutex_);
    if (auto r = connections_.remove(rule); !r)
        return r;
    spdlog::info("auto-connect: rule {} → {} removed (the connections it made stay)", rule.from, rule.to);
    return {};
}

} // namespace backline::app
