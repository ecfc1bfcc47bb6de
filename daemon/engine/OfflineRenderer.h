// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Config.h"
#include "core/Result.h"
#include "engine/Engine.h"
#include "engine/Graph.h"
#include "engine/WorkerPool.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace backline::engine {

/// The offline backend: runs the same Engine as the JACK backend, block by block, as fast as
/// the CPU allows, with track inputs read from the files the session names (silence otherwise).
/// Rendering runs the engine's [audio] functions on the caller's thread, which is then the
/// engine's only audio thread.
class OfflineRenderer {
public:
    /// Receives each rendered block: two master channels of n frames.
    using BlockSink = std::function<Result<void>(const float* const* master, std::uint32_t n)>;
    /// Asked before the first block (with 0) and after each (with the frames rendered): the
    /// render's whole length as far as it is known then (UINT64_MAX: not yet), or an error that
    /// stops it. Lets a render end where the engine says (a song's end); a length shorter than
    /// what is rendered cuts the last block there.
    using Length = std::function<Result<std::uint64_t>(std::uint64_t rendered)>;

    /// [control] Opens the input files graph's tracks name; graph must be (or be about to be)
    /// installed in engine. Errors name the file (unreadable, wrong sample rate). The graph's
    /// nodes run on `workers` threads (this one and helpers; 0: the session's `workers`, else
    /// one per core), the same bits however many.
    static Result<std::unique_ptr<OfflineRenderer>> create(Engine& engine, const Graph& graph,
        std::uint32_t blockFrames = config::offlineBlockFrames, int workers = 0);
    /// [control] Stops the helpers; the engine runs on one thread again.
    ~OfflineRenderer();

    /// Threads that run the graph's nodes.
    int workers() const noexcept { return pool_ ? pool_->workers() : 1; }
    /// Nodes the helpers (not the rendering thread) have run so far.
    std::uint64_t helperNodes() noexcept { return pool_ ? pool_->scheduler().helperNodes() : 0; }

    /// [control] Runs a block of no frames: what the control side queued so far takes effect
    /// (a song cued while the transport stands goes to its start) before the first sample.
    void settle();

    /// [control] Renders frames, handing each block to sink; stops at the sink's first error.
    Result<void> render(std::uint64_t frames, const BlockSink& sink);
    /// [control] Renders until length says the render is long enough, handing each block to
    /// sink; stops at the first error of either.
    Result<void> render(const Length& length, const BlockSink& sink);

    /// [control] Renders frames into out (two channels, appended).
    Result<void> renderInto(std::uint64_t frames, std::vector<float>& left, std::vector<float>& right);

    /// [control] Renders seconds of the master output into an audio file whose format follows
    /// its extension (.wav/.w64/.caf: 32-bit float, .flac/.aiff: 24-bit); written to a
    /// temporary file and renamed, so a failed render never leaves a half file behind.
    Result<void> renderToFile(const std::filesystem::path& file, double seconds);
    /// [control] As above, as long as length says.
    Result<void> renderToFile(const std::filesystem::path& file, const Length& length);

private:
    struct InputFile;
    OfflineRenderer(Engine& engine, int sampleRate, std::uint32_t blockFrames);

    Engine& engine_;
    int sampleRate_;
    std::uint32_t blockFrames_;
    std::vector<std::unique_ptr<InputFile>> inputs_;
    std::size_t numInputChannels_ = 0;
    std::unique_ptr<WorkerPool> pool_;
};

} // namespace backline::engine
