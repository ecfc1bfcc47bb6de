// SPDX-License-Identifier: GPL-3.0-or-later
#include "record/Recorder.h"

#include "core/Config.h"
#include "port/Recording.h"
#include "record/RecordConfig.h"
#include "record/TakeNames.h"

#include <algorithm>
#include <set>

namespace backline::record {

Result<std::unique_ptr<Recorder>> Recorder::create(RecordSettings settings)
{
    if (auto r = validateSettings(settings); !r)
        return r.error();
    return std::unique_ptr<Recorder>(new Recorder(std::move(settings)));
}

Recorder::Recorder(RecordSettings settings)
    : settings_(settings)
    , writer_(std::make_unique<DiskWriter>(std::move(settings)))
{
}

Recorder::~Recorder() = default;

SourceList Recorder::makeStreams(const std::vector<CaptureSource>& sources, const RecordSettings& settings) const
{
    // The pre-roll holds one block more than asked so the furthest source's last block fits.
    const std::uint64_t preroll = settings.prerollSeconds > 0
        ? std::uint64_t(settings.prerollSeconds * settings.sampleRate) + config::maxBlockFrames
        : 0;
    SourceList streams;
    for (const auto& s : sources)
        streams.push_back(std::make_unique<SourceStream>(s.id, s.ring, preroll));
    return streams;
}

Result<void> Recorder::configure(RecordSettings settings)
{
    std::lock_guard lock(controlMutex_);
    if (auto r = validateSettings(settings); !r)
        return r;
    if (auto r = writer_->replaceSources(makeStreams(sources_, settings), settings); !r)
        return r;
    settings_ = std::move(settings);
    return {};
}

Result<std::vector<CaptureSource>> Recorder::prepareSources(const std::vector<SourceSpec>& specs)
{
    std::lock_guard lock(controlMutex_);
    if (specs.size() > config::recordMaxSources)
        return makeError(ErrorCode::Session,
            "record: " + std::to_string(specs.size()) + " sources, at most "
                + std::to_string(config::recordMaxSources) + " can be recorded");
    std::set<std::string> stems;
    for (const auto& s : specs) {
        if (auto r = validateSourceId(s.id); !r)
            return r.error();
        if (s.channels < 1 || s.channels > config::recordMaxChannels)
            return makeError(ErrorCode::Session,
                "record source '" + s.id + "' has " + std::to_string(s.channels) + " channels; 1 to "
                    + std::to_string(config::recordMaxChannels) + " are possible");
        if (!stems.insert(sourceFileStem(s.id, 1)).second)
            return makeError(ErrorCode::Session,
                "record source '" + s.id + "' is listed twice (or names the same file as another source)");
    }
    const auto capacity = std::max<std::size_t>(
        std::size_t(settings_.ringSeconds * settings_.sampleRate), 2 * std::size_t(config::maxBlockFrames));
    std::vector<CaptureSource> sources;
    for (const auto& s : specs)
        sources.push_back(CaptureSource {s.id, s.channels, std::make_shared<AudioRing>(s.channels, capacity)});
    if (auto r = writer_->replaceSources(makeStreams(sources, settings_), settings_); !r)
        return r.error();
    sources_ = sources;
    {
        std::lock_guard clock(clockMutex_);
        clockRing_ = sources_.empty() ? nullptr : sources_.front().ring;
    }
    originKnown_.store(false, std::memory_order_relaxed); // the new rings' origin is not known yet
    return sources;
}

Result<TakeInfo> Recorder::start(std::string_view name, std::string sessionSnapshot)
{
    std::lock_guard lock(controlMutex_);
    if (auto r = validateTakeName(name); !r)
        return r.error();
    TakeWriter::StartRequest request;
    request.name = std::string(name);
    request.session = std::move(sessionSnapshot);
    request.requestedAt = std::chrono::system_clock::now();
    if (originKnown_.load(std::memory_order_relaxed))
        request.engineOrigin = origin_.load(std::memory_order_relaxed);
    return writer_->start(std::move(request));
}

Result<void> Recorder::stop()
{
    std::lock_guard lock(controlMutex_);
    return writer_->stop();
}

Result<void> Recorder::endSegment()
{
    std::lock_guard lock(controlMutex_);
    return writer_->endSegment();
}

Result<void> Recorder::beginSegment()
{
    std::lock_guard lock(controlMutex_);
    return writer_->beginSegment();
}

Result<void> Recorder::marker(std::string_view name, std::optional<std::uint64_t> engineFrame)
{
    if (auto problem = port::markerNameProblem(name); !problem.empty())
        return makeError(ErrorCode::Param, std::move(problem));
    if (writer_->state() == RecorderState::Idle)
        return makeError(ErrorCode::Param, "marker '" + std::string(name) + "' not written: no take is open");
    DiskWriter::PendingMarker m;
    m.name = std::string(name);
    m.wallClock = isoTimestamp(std::chrono::system_clock::now());
    const bool originKnown = originKnown_.load(std::memory_order_acquire); // pairs with setEngineOrigin()
    const std::uint64_t origin = origin_.load(std::memory_order_relaxed);
    if (engineFrame) {
        if (!originKnown)
            return makeError(ErrorCode::Param,
                "marker '" + m.name + "' names an engine frame, but the recorder was not told the engine frame "
                    "of its rings' first frame (setEngineOrigin)");
        if (*engineFrame < origin)
            return makeError(ErrorCode::Param,
                "marker '" + m.name + "' at engine frame " + std::to_string(*engineFrame)
                    + " lies before the recorded sources began");
        m.captureFrame = *engineFrame - origin;
        m.engineFrame = engineFrame;
    } else {
        std::shared_ptr<AudioRing> ring;
        {
            std::lock_guard lock(clockMutex_);
            ring = clockRing_;
        }
        // Frames offered to the ring so far: the block the audio thread has just written.
        m.captureFrame = ring ? ring->framesWritten() + ring->framesDropped() : 0;
        if (originKnown)
            m.engineFrame = origin + m.captureFrame;
    }
    writer_->postMarker(std::move(m));
    return {};
}

RecorderStatus Recorder::status() const
{
    return writer_->status();
}

void Recorder::onEvent(EventHandler handler)
{
    writer_->setEventHandler(std::move(handler));
}

void Recorder::setEngineOrigin(std::uint64_t engineFrame) noexcept
{
    origin_.store(engineFrame, std::memory_order_relaxed);
    originKnown_.store(true, std::memory_order_release); // publishes origin_ to marker()'s loads
}

RecordSettings Recorder::settings() const
{
    std::lock_guard lock(controlMutex_);
    return settings_;
}

} // namespace backline::record
