// SPDX-License-Identifier: GPL-3.0-or-later
#include "record/SourceStream.h"

#include <algorithm>

namespace backline::record {

namespace {

/// Frames of silence written per call when padding.
constexpr std::uint64_t silenceChunkFrames = 4096;

} // namespace

SourceStream::SourceStream(std::string id, std::shared_ptr<AudioRing> ring, std::uint64_t prerollFrames)
    : id_(std::move(id))
    , ring_(std::move(ring))
    , scratch_(std::max<std::size_t>(ring_->capacityFrames(), silenceChunkFrames) * std::size_t(ring_->channels()))
    , preroll_(ring_->channels(), prerollFrames)
{
}

Result<SourceStream::Drained> SourceStream::drain()
{
    Drained d;
    const std::size_t capacity = ring_->capacityFrames();
    ringFill_ = float(ring_->readable()) / float(capacity);
    // One read takes everything: the scratch holds a full ring. Reading the drop counter only
    // after the read places a drop correctly: a block is dropped only while the ring is full,
    // and the ring stays full until this read frees it, so every drop counted here happened
    // after the last frame read here (see README.md, "Dropped frames").
    const std::size_t n = ring_->read(scratch_.data(), capacity);
    Result<void> written;
    if (n > 0) {
        d.frames = n;
        written = consume(scratch_.data(), n);
    }
    const std::uint64_t dropped = ring_->framesDropped();
    if (dropped != droppedSeen_) {
        d.dropped = dropped - droppedSeen_;
        droppedSeen_ = dropped;
        droppedTotal_ += d.dropped;
        if (file_.isOpen())
            droppedInTake_ += d.dropped;
        if (auto r = consume(nullptr, d.dropped); !r && written)
            written = r;
    }
    // Whatever the file made of them, every frame read or dropped is now behind position_:
    // the stream stays in step with its ring (and so with every other source) for the next take.
    if (!written)
        return written.error();
    return d;
}

Result<void> SourceStream::consume(const float* data, std::uint64_t n)
{
    // The stream moves on by n frames whether or not the file takes them: position_ counts what
    // the ring delivered, and a failed write must not make later frames look earlier than they
    // are (that shifted every later take of the source against the others).
    const std::size_t ch = std::size_t(channels());
    Result<void> written;
    if (data) {
        preroll_.append(data, n, position_ + n);
        written = writeToFile(data, n);
        position_ += n;
        return written;
    }
    // Silence for dropped frames, in chunks from a zeroed part of the scratch buffer.
    std::fill(scratch_.begin(), scratch_.begin() + std::ptrdiff_t(silenceChunkFrames * ch), 0.0f);
    while (n > 0) {
        const std::uint64_t chunk = std::min(n, silenceChunkFrames);
        preroll_.append(nullptr, chunk, position_ + chunk);
        if (auto r = writeToFile(scratch_.data(), chunk); !r && written)
            written = r;
        position_ += chunk;
        n -= chunk;
    }
    return written;
}

Result<void> SourceStream::writeToFile(const float* data, std::uint64_t n)
{
    // After a failed write the file takes nothing more: the take is being abandoned, and its
    // files are cut to the frames they all hold.
    if (!file_.isOpen() || fileFailed_)
        return {};
    // The stream range [position_, position_ + n) clipped to the file's [fileStart_, fileEnd_).
    const std::uint64_t from = std::max(position_, fileStart_);
    const std::uint64_t to = std::min(position_ + n, fileEnd_);
    if (from >= to)
        return {};
    auto r = file_.write(data + (from - position_) * std::size_t(channels()), to - from);
    fileFailed_ = !r;
    return r;
}

Result<void> SourceStream::openFile(const std::filesystem::path& path, const RecordSettings& settings, std::uint64_t start)
{
    auto f = TakeFile::create(path, settings.format, settings.bits, channels(), settings.sampleRate);
    if (!f)
        return f.error();
    file_ = std::move(*f);
    fileStart_ = start;
    fileEnd_ = std::numeric_limits<std::uint64_t>::max();
    fileFailed_ = false;
    if (start < position_) {
        auto r = preroll_.forEachFrom(start, [&](std::span<const float> piece) {
            return file_.write(piece.data(), piece.size() / std::size_t(channels()));
        });
        fileFailed_ = !r;
        return r;
    }
    return {};
}

Result<std::uint64_t> SourceStream::padFileToLimit()
{
    if (!file_.isOpen() || fileFailed_ || fileEnd_ == std::numeric_limits<std::uint64_t>::max())
        return std::uint64_t(0);
    const std::uint64_t have = std::max(position_, fileStart_);
    if (have >= fileEnd_)
        return std::uint64_t(0);
    const std::uint64_t missing = fileEnd_ - have;
    const std::size_t ch = std::size_t(channels());
    std::fill(scratch_.begin(), scratch_.begin() + std::ptrdiff_t(silenceChunkFrames * ch), 0.0f);
    for (std::uint64_t left = missing; left > 0;) {
        const std::uint64_t chunk = std::min(left, silenceChunkFrames);
        if (auto r = file_.write(scratch_.data(), chunk); !r) {
            fileFailed_ = true;
            return r.error();
        }
        left -= chunk;
    }
    droppedInTake_ += missing;
    return missing;
}

Result<void> SourceStream::checkpoint(bool sync)
{
    if (!file_.isOpen())
        return {};
    // Data first, header after: a header never claims frames that are not on the disk yet
    // (it reaches the disk with the next sync, at most one refresh later).
    if (sync)
        if (auto r = file_.sync(); !r)
            return r;
    file_.refreshHeader();
    return {};
}

Result<void> SourceStream::closeFile(bool sync)
{
    return file_.close(sync);
}

} // namespace backline::record
