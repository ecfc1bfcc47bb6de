// SPDX-License-Identifier: GPL-3.0-or-later
#include "record/DiskWriter.h"

#include "record/RecordConfig.h"
#include "record/TakeNames.h"

#include <spdlog/spdlog.h>

#include <pthread.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <system_error>

namespace backline::record {

namespace {

constexpr std::uint64_t bytesPerMb = 1024 * 1024;

/// Free bytes for an unprivileged writer on the disk holding path (0 if unknown).
std::uint64_t freeBytes(const std::filesystem::path& path)
{
    struct statvfs s {};
    if (::statvfs(path.c_str(), &s) != 0)
        return 0;
    return std::uint64_t(s.f_bavail) * std::uint64_t(s.f_frsize);
}

Error recordError(std::string message)
{
    return makeError(ErrorCode::Io, std::move(message));
}

} // namespace

DiskWriter::DiskWriter(RecordSettings settings)
    : settings_(std::move(settings))
    , thread_([this] { threadMain(); })
{
}

DiskWriter::~DiskWriter()
{
    {
        std::lock_guard lock(inboxMutex_);
        quit_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

template <typename R>
R DiskWriter::runOnDiskThread(std::function<R()> job)
{
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(job));
    std::future<R> answer = task->get_future();
    {
        std::lock_guard lock(inboxMutex_);
        jobs_.emplace_back([task] { (*task)(); });
    }
    wake_.notify_one();
    return answer.get();
}

Result<void> DiskWriter::replaceSources(SourceList sources, RecordSettings settings)
{
    auto shared = std::make_shared<SourceList>(std::move(sources));
    return runOnDiskThread<Result<void>>([this, shared, settings = std::move(settings)]() -> Result<void> {
        if (take_ && take_->segmentOpen())
            return recordError("cannot change the recorded sources or settings during a take: stop the take first");
        if (take_) {
            // Suspended between segments (JACK went away): new rings, same sources.
            bool same = shared->size() == sources_.size();
            for (std::size_t i = 0; same && i < shared->size(); ++i)
                same = (*shared)[i]->id() == sources_[i]->id() && (*shared)[i]->channels() == sources_[i]->channels();
            if (!same)
                return recordError("the take '" + take_->folder().filename().string()
                    + "' is suspended: its next segment must record the same sources; stop it first");
            if (settings.sampleRate != settings_.sampleRate || settings.format != settings_.format
                || settings.bits != settings_.bits)
                return recordError("the take '" + take_->folder().filename().string()
                    + "' is suspended: its next segment must keep the sample rate and format; stop it first");
        }
        for (auto& fresh : *shared)
            for (const auto& old : sources_)
                if (old->ring() == fresh->ring())
                    fresh->continueFrom(*old);
        sources_ = std::move(*shared);
        settings_ = settings;
        publishStatus();
        return {};
    });
}

Result<TakeInfo> DiskWriter::start(TakeWriter::StartRequest request)
{
    return runOnDiskThread<Result<TakeInfo>>([this, request = std::move(request)]() -> Result<TakeInfo> {
        if (take_)
            return recordError("already recording take '" + take_->folder().filename().string()
                + "': stop it (/record/stop) before starting another");
        if (sources_.empty())
            return recordError("no sources to record: the session's record.sources list is empty");
        std::error_code ec;
        std::filesystem::create_directories(settings_.folder, ec);
        if (ec)
            return recordError(settings_.folder.string() + ": cannot create the record folder (" + ec.message()
                + "); check record.folder and its permissions");
        freeBytes_ = freeBytes(settings_.folder);
        if (freeBytes_ < settings_.minFreeMb * bytesPerMb)
            return recordError(settings_.folder.string() + ": only " + std::to_string(freeBytes_ / bytesPerMb)
                + " MB free, the session asks for at least " + std::to_string(settings_.minFreeMb)
                + " MB (record.min_free_mb): free some space or record elsewhere");

        if (!stalled_.load(std::memory_order_relaxed))
            drainAll();
        // The take starts prerollSeconds before the furthest source, but no earlier than
        // what every source still holds, so every file starts at the same capture frame.
        const std::uint64_t now = maxPosition();
        const auto wanted = std::uint64_t(settings_.prerollSeconds * settings_.sampleRate);
        std::uint64_t start = now > wanted ? now - wanted : 0;
        for (const auto& s : sources_)
            start = std::max(start, s->prerollFirstFrame());
        start = std::min(start, now);

        auto take = TakeWriter::open(request, settings_, sources_, start, now - start);
        if (!take)
            return take.error();
        take_ = std::move(*take);
        lastError_.clear();
        lowSpaceReported_ = false;
        xrunsSeen_ = xruns_.load(std::memory_order_relaxed);
        lastCheckpoint_ = lastManifest_ = std::chrono::steady_clock::now();
        setState(RecorderState::Recording);

        TakeInfo info;
        info.name = request.name;
        info.folder = take_->folder();
        for (const auto& s : take_->manifest().sources)
            info.files.push_back(take_->folder() / s.files.back());
        info.startCaptureFrame = start;
        info.prerollFrames = now - start;
        info.startedAt = take_->manifest().startedAt;
        publishStatus();
        emit(RecordEvent {RecordEvent::Kind::TakeStarted, info.folder, {}, info.folder.string(), 0});
        return info;
    });
}

Result<void> DiskWriter::stop()
{
    return runOnDiskThread<Result<void>>([this]() -> Result<void> {
        if (!take_)
            return recordError("not recording: there is no take to stop");
        if (!stalled_.load(std::memory_order_relaxed))
            drainAll();
        if (!take_) // the last drain hit a write error and closed the take
            return recordError(lastError_);
        closeTake("stopped");
        if (!lastError_.empty())
            return recordError(lastError_);
        return {};
    });
}

Result<void> DiskWriter::endSegment()
{
    return runOnDiskThread<Result<void>>([this]() -> Result<void> {
        if (!take_ || !take_->segmentOpen())
            return recordError("no segment is being recorded");
        const int segment = take_->segment();
        if (auto r = take_->closeSegment(sources_, "jack_lost"); !r) {
            failTake(r.error().message);
            return r;
        }
        setState(RecorderState::Suspended);
        publishStatus();
        emit(RecordEvent {RecordEvent::Kind::SegmentClosed, take_->folder(), {}, "jack_lost", std::uint64_t(segment)});
        return {};
    });
}

Result<void> DiskWriter::beginSegment()
{
    return runOnDiskThread<Result<void>>([this]() -> Result<void> {
        if (!take_)
            return recordError("no take is open: start one before beginning a segment");
        if (take_->segmentOpen())
            if (auto r = take_->closeSegment(sources_, "restarted"); !r) {
                failTake(r.error().message);
                return r;
            }
        if (!stalled_.load(std::memory_order_relaxed))
            drainAll();
        if (auto r = take_->beginSegment(sources_, maxPosition()); !r) {
            failTake(r.error().message);
            return r;
        }
        setState(RecorderState::Recording);
        lastCheckpoint_ = std::chrono::steady_clock::now();
        publishStatus();
        emit(RecordEvent {
            RecordEvent::Kind::SegmentStarted, take_->folder(), {}, {}, std::uint64_t(take_->segment())});
        return {};
    });
}

void DiskWriter::postMarker(PendingMarker marker)
{
    std::lock_guard lock(inboxMutex_);
    markers_.push_back(std::move(marker));
}

RecorderStatus DiskWriter::status() const
{
    std::lock_guard lock(statusMutex_);
    return status_;
}

void DiskWriter::setEventHandler(EventHandler handler)
{
    std::lock_guard lock(handlerMutex_);
    handler_ = std::move(handler);
}

void DiskWriter::threadMain()
{
    pthread_setname_np(pthread_self(), "backline-disk");
    std::deque<std::function<void()>> jobs;
    std::vector<PendingMarker> markers;
    for (;;) {
        bool quit = false;
        {
            std::unique_lock lock(inboxMutex_);
            wake_.wait_for(lock, config::recordDrainPeriod, [&] { return quit_ || !jobs_.empty(); });
            jobs.swap(jobs_);
            markers.swap(markers_);
            quit = quit_;
        }
        // Markers first: each was accepted while the take it belongs to was open, so a stop()
        // queued after it in this batch must not close the take before it is filed.
        if (take_) {
            for (auto& m : markers)
                take_->addMarker(std::move(m.name), m.captureFrame, m.engineFrame, std::move(m.wallClock));
            manifestDirty_ = manifestDirty_ || !markers.empty();
        }
        markers.clear();
        for (auto& job : jobs)
            job();
        jobs.clear();
        if (!stalled_.load(std::memory_order_relaxed))
            drainAll();
        periodic(std::chrono::steady_clock::now());
        publishStatus();
        if (quit)
            break;
    }
    if (take_) {
        drainAll();
        closeTake("stopped");
    }
}

void DiskWriter::drainAll()
{
    for (auto& s : sources_) {
        auto d = s->drain();
        if (!d) {
            if (take_)
                failTake(d.error().message);
            continue;
        }
        if (d->dropped > 0) {
            spdlog::warn("record: source '{}' lost {} frames (the disk writer fell behind; ring_seconds is {})",
                s->id(), d->dropped, settings_.ringSeconds);
            emit(RecordEvent {RecordEvent::Kind::FramesDropped, take_ ? take_->folder() : std::filesystem::path {},
                s->id(), "the disk writer fell behind: frames were replaced by silence", d->dropped});
        }
    }
}

void DiskWriter::periodic(std::chrono::steady_clock::time_point now)
{
    if (now - lastDiskCheck_ >= config::recordDiskCheckPeriod) {
        lastDiskCheck_ = now;
        freeBytes_ = freeBytes(settings_.folder);
        if (take_ && !lowSpaceReported_ && freeBytes_ < settings_.minFreeMb * bytesPerMb) {
            lowSpaceReported_ = true;
            emit(RecordEvent {RecordEvent::Kind::LowDiskSpace, take_->folder(), {},
                "only " + std::to_string(freeBytes_ / bytesPerMb) + " MB left on " + settings_.folder.string(),
                freeBytes_});
        }
    }
    if (!take_)
        return;
    const std::uint64_t xruns = xruns_.load(std::memory_order_relaxed);
    if (xruns != xrunsSeen_) {
        take_->addXruns(xruns - xrunsSeen_, maxPosition());
        xrunsSeen_ = xruns;
        manifestDirty_ = true;
    }
    if (!take_->segmentOpen() || stalled_.load(std::memory_order_relaxed))
        return;
    if (now - lastCheckpoint_ >= std::chrono::duration<double>(settings_.headerRefreshSeconds)) {
        lastCheckpoint_ = now;
        if (auto r = take_->checkpoint(sources_); !r)
            return failTake(r.error().message);
    }
    if (manifestDirty_ || now - lastManifest_ >= config::recordManifestPeriod) {
        lastManifest_ = now;
        manifestDirty_ = false;
        if (auto r = take_->saveManifest(sources_); !r)
            return failTake(r.error().message);
    }
}

void DiskWriter::failTake(const std::string& error)
{
    if (!take_)
        return;
    spdlog::error("record: {} — the take was closed with everything written so far", error);
    lastError_ = error;
    const auto folder = take_->folder();
    take_->abandon(sources_, error);
    const std::uint64_t frames = take_->frames(sources_);
    take_.reset();
    setState(RecorderState::Idle);
    publishStatus();
    emit(RecordEvent {RecordEvent::Kind::WriteFailed, folder, {},
        error + "; the take was closed with everything written so far, the audio keeps running", frames});
    emit(RecordEvent {RecordEvent::Kind::TakeClosed, folder, {}, "write_failed", frames});
}

void DiskWriter::closeTake(const std::string& reason)
{
    const auto folder = take_->folder();
    if (auto r = take_->finish(sources_, reason); !r) {
        lastError_ = r.error().message;
        emit(RecordEvent {RecordEvent::Kind::WriteFailed, folder, {}, lastError_, 0});
    }
    const std::uint64_t frames = take_->frames(sources_);
    take_.reset();
    setState(RecorderState::Idle);
    publishStatus();
    emit(RecordEvent {RecordEvent::Kind::TakeClosed, folder, {}, reason, frames});
}

void DiskWriter::emit(RecordEvent event)
{
    std::lock_guard lock(handlerMutex_);
    if (!handler_)
        return;
    try {
        handler_(event);
    } catch (const std::exception& e) {
        spdlog::error("record: an event handler threw ({}); the recorder goes on", e.what());
    } catch (...) {
        spdlog::error("record: an event handler threw; the recorder goes on");
    }
}

void DiskWriter::publishStatus()
{
    RecorderStatus s;
    s.state = state();
    s.freeBytes = freeBytes_;
    s.lastError = lastError_;
    if (take_) {
        s.takeFolder = take_->folder();
        s.takeFrames = take_->frames(sources_);
        s.takeSeconds = double(s.takeFrames) / settings_.sampleRate;
        s.segment = take_->segment();
        s.markers = take_->manifest().markers.size();
        s.xrunsInTake = take_->manifest().xrunCount;
    }
    for (const auto& src : sources_) {
        s.sources.push_back(SourceStatus {src->id(), src->droppedInTake(), src->droppedTotal(), src->ringFill()});
        s.droppedInTake += src->droppedInTake();
    }
    if (take_)
        s.droppedInTake = take_->droppedFrames(sources_);
    std::lock_guard lock(statusMutex_);
    status_ = std::move(s);
}

std::uint64_t DiskWriter::maxPosition() const
{
    std::uint64_t m = 0;
    for (const auto& s : sources_)
        m = std::max(m, s->position());
    return m;
}

} // namespace backline::record
