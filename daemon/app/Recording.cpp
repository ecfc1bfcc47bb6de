// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/Recording.h"

#include "record/TakeRepair.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace backline::app {

namespace {

Result<record::RecordSettings> settingsFor(const session::SessionSpec& spec, int sampleRate)
{
    record::RecordSettings settings;
    settings.sampleRate = sampleRate;
    settings.folder = spec.file.parent_path() / "takes";
    if (!spec.record)
        return settings;
    const auto& r = *spec.record;
    settings.folder = r.folder;
    auto format = record::parseFileFormat(r.format);
    if (!format)
        return makeError(ErrorCode::Session, fmt::format("{}: {}", r.where.str(), format.error().message));
    settings.format = *format;
    auto bits = record::parseSampleBits(r.bits);
    if (!bits)
        return makeError(ErrorCode::Session, fmt::format("{}: {}", r.where.str(), bits.error().message));
    settings.bits = *bits;
    settings.ringSeconds = r.ringSeconds;
    settings.prerollSeconds = r.prerollSeconds;
    settings.minFreeMb = std::uint64_t(r.minFreeMb);
    settings.headerRefreshSeconds = r.headerRefreshSeconds;
    if (auto valid = record::validateSettings(settings); !valid)
        return makeError(ErrorCode::Session, fmt::format("{}: {}", r.where.str(), valid.error().message));
    return settings;
}

int channelsOf(const engine::Graph& graph, const engine::TapPoint& point)
{
    return point.kind == engine::TapPoint::Kind::TrackInput ? graph.tracks[point.index].channels : 2;
}

} // namespace

Recording::Recording(std::unique_ptr<record::Recorder> recorder, std::vector<std::string> sources)
    : recorder_(std::move(recorder))
    , chosen_(std::move(sources))
{
}

Recording::~Recording()
{
    if (recorder_)
        recorder_->onEvent({});
}

Result<std::unique_ptr<Recording>> Recording::create(const session::SessionSpec& spec, int sampleRate)
{
    auto settings = settingsFor(spec, sampleRate);
    if (!settings)
        return settings.error();
    std::error_code ec;
    if (std::filesystem::exists(settings->folder, ec)) {
        auto report = record::repairTakes(settings->folder);
        if (!report)
            spdlog::warn("record: could not check {} for interrupted takes: {}", settings->folder.string(),
                report.error().message);
    }
    auto recorder = record::Recorder::create(*settings);
    if (!recorder)
        return recorder.error();
    std::vector<std::string> sources;
    if (spec.record)
        for (const auto& s : spec.record->sources)
            sources.push_back(s.id);
    return std::unique_ptr<Recording>(new Recording(std::move(recorder.value()), std::move(sources)));
}

Result<void> Recording::adopt(const session::SessionSpec& spec, int sampleRate)
{
    std::lock_guard lock(mutex_);
    if (recorder_->status().state != record::RecorderState::Idle)
        return {};
    auto settings = settingsFor(spec, sampleRate);
    if (!settings)
        return settings.error();
    const auto current = recorder_->settings();
    if (settings->folder != current.folder || settings->format != current.format || settings->bits != current.bits
        || settings->ringSeconds != current.ringSeconds || settings->prerollSeconds != current.prerollSeconds
        || settings->minFreeMb != current.minFreeMb || settings->headerRefreshSeconds != current.headerRefreshSeconds
        || settings->sampleRate != current.sampleRate) {
        if (auto r = recorder_->configure(*settings); !r)
            return r;
        preparedIds_.clear(); // new ring sizes: make new rings at the next tapsFor()
    }
    chosen_.clear();
    if (spec.record)
        for (const auto& source : spec.record->sources)
            chosen_.push_back(source.id);
    return {};
}

Result<std::vector<std::pair<std::string, engine::TapPoint>>> Recording::resolve(
    const std::vector<std::string>& ids, const engine::Graph& graph) const
{
    std::vector<std::pair<std::string, engine::TapPoint>> out;
    auto add = [&](const std::string& id) -> Result<void> {
        for (const auto& [existing, point] : out)
            if (existing == id)
                return {};
        auto point = engine::findTapPoint(graph, id);
        if (!point) {
            for (const auto& track : graph.tracks)
                if (id == "track/" + track.name + "/input")
                    return makeError(ErrorCode::Param,
                        fmt::format("record source '{}': the track's DSP takes no input; record 'track/{}/post' instead",
                            id, track.name));
            return makeError(ErrorCode::Param,
                fmt::format("unknown record source '{}' (sources: track/<name>/input, track/<name>/post, bus/<name>, "
                            "master, track/*/input, track/*/post)",
                    id));
        }
        out.emplace_back(id, *point);
        return {};
    };
    for (const auto& id : ids) {
        if (id == "track/*/input" || id == "track/*/post") {
            const bool input = id == "track/*/input";
            for (const auto& track : graph.tracks)
                if (!input || track.inputBase >= 0)
                    if (auto r = add("track/" + track.name + (input ? "/input" : "/post")); !r)
                        return r.error();
        } else if (auto r = add(id); !r) {
            return r.error();
        }
    }
    return out;
}

Result<std::vector<engine::Tap>> Recording::tapsFor(const engine::Graph& graph)
{
    std::lock_guard lock(mutex_);
    auto resolved = resolve(chosen_, graph);
    if (!resolved)
        return resolved.error();
    std::vector<std::string> ids;
    std::vector<int> channels;
    for (const auto& [id, point] : *resolved) {
        ids.push_back(id);
        channels.push_back(channelsOf(graph, point));
    }
    if (ids != preparedIds_ || channels != preparedChannels_) {
        if (recorder_->status().state != record::RecorderState::Idle)
            return makeError(ErrorCode::Engine,
                "this change would alter what is being recorded (sources or their channels); stop the take first "
                "(/record/stop)");
        std::vector<record::SourceSpec> specs;
        for (std::size_t i = 0; i < ids.size(); ++i)
            specs.push_back({ids[i], channels[i]});
        auto rings = recorder_->prepareSources(specs);
        if (!rings)
            return rings.error();
        if (!rings_.empty())
            retired_.push_back(std::move(rings_));
        // The audio thread may still write the rings before last until its next tap swap;
        // the one before that is long gone.
        while (retired_.size() > 2)
            retired_.erase(retired_.begin());
        rings_ = std::move(rings.value());
        preparedIds_ = ids;
        preparedChannels_ = channels;
        originPending_ = true;
    }
    std::vector<engine::Tap> taps;
    for (std::size_t i = 0; i < resolved->size(); ++i)
        taps.push_back({(*resolved)[i].second, rings_[i].ring.get()});
    return taps;
}

void Recording::tapsLive(std::uint64_t engineFrame)
{
    std::lock_guard lock(mutex_);
    if (!originPending_)
        return;
    recorder_->setEngineOrigin(engineFrame);
    originPending_ = false;
}

bool Recording::awaitingOrigin() const
{
    std::lock_guard lock(mutex_);
    return originPending_;
}

Result<void> Recording::setSources(std::vector<std::string> ids, const engine::Graph& graph)
{
    std::lock_guard lock(mutex_);
    if (recorder_->status().state != record::RecorderState::Idle)
        return makeError(ErrorCode::Engine, "cannot change the record sources during a take; stop it first (/record/stop)");
    for (std::size_t i = 0; i < ids.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (ids[i] == ids[j])
                return makeError(ErrorCode::Param, fmt::format("record source '{}' is listed twice", ids[i]));
    if (auto resolved = resolve(ids, graph); !resolved)
        return resolved.error();
    chosen_ = std::move(ids);
    return {};
}

std::vector<std::string> Recording::sources() const
{
    std::lock_guard lock(mutex_);
    return chosen_;
}

Result<record::TakeInfo> Recording::start(std::string_view name, std::string sessionSnapshot)
{
    std::lock_guard lock(mutex_);
    if (rings_.empty())
        return makeError(ErrorCode::Param,
            "nothing to record: choose sources first (session 'record.sources' or /record/sources track/vox/input …)");
    if (jackLost_)
        return makeError(ErrorCode::Engine, "cannot start a take while JACK is away");
    return recorder_->start(name, std::move(sessionSnapshot));
}

Result<void> Recording::stop()
{
    return recorder_->stop();
}

Result<void> Recording::marker(std::string_view name, std::optional<std::uint64_t> engineFrame)
{
    return recorder_->marker(name, engineFrame);
}

record::RecorderStatus Recording::status() const
{
    return recorder_->status();
}

void Recording::jackLost()
{
    std::lock_guard lock(mutex_);
    jackLost_ = true;
    if (recorder_->status().state != record::RecorderState::Idle)
        if (auto r = recorder_->endSegment(); !r)
            spdlog::error("record: {}", r.error().message);
}

void Recording::jackBack()
{
    std::lock_guard lock(mutex_);
    if (!jackLost_)
        return;
    jackLost_ = false;
    if (recorder_->status().state != record::RecorderState::Idle)
        if (auto r = recorder_->beginSegment(); !r)
            spdlog::error("record: {}", r.error().message);
}

void Recording::noteXruns(std::uint64_t count)
{
    for (std::uint64_t i = 0; i < count; ++i)
        recorder_->noteXrun();
}

void Recording::onEvent(std::function<void(const record::RecordEvent&)> handler)
{
    recorder_->onEvent(std::move(handler));
}

} // namespace backline::app
