// SPDX-License-Identifier: GPL-3.0-or-later
// The offline backend: the engine run block by block on the caller's thread, as fast as the
// CPU allows, track inputs read from files (for --render and tests; see OfflineRenderer.h).
#include "engine/OfflineRenderer.h"

#include "engine/rt/BufferOps.h"

#include <cmath>
#include <fmt/format.h>
#include <sndfile.h>
#include <system_error>

namespace backline::engine {

/// One track's input file, read block by block and fitted to the track's channels.
struct OfflineRenderer::InputFile {
    SNDFILE* file = nullptr;
    SF_INFO info {};
    int inputBase = 0;
    int channels = 1;
    std::vector<float> interleaved;
    AudioBuffer planar;
    AudioBuffer mapped;

    ~InputFile()
    {
        if (file)
            sf_close(file);
    }

    /// Reads n frames (silence past the end) into mapped.
    void read(std::uint32_t n)
    {
        const auto got = sf_readf_float(file, interleaved.data(), sf_count_t(n));
        const int fileChannels = info.channels;
        for (int c = 0; c < fileChannels; ++c) {
            float* dst = planar.channel(c);
            for (std::uint32_t i = 0; i < n; ++i)
                dst[i] = sf_count_t(i) < got ? interleaved[std::size_t(i) * std::size_t(fileChannels) + std::size_t(c)] : 0.0f;
        }
        mapChannels(planar.pointers(), fileChannels, mapped.pointers(), channels, n);
    }
};

OfflineRenderer::OfflineRenderer(Engine& engine, int sampleRate, std::uint32_t blockFrames)
    : engine_(engine)
    , sampleRate_(sampleRate)
    , blockFrames_(blockFrames)
{
}

OfflineRenderer::~OfflineRenderer()
{
    if (pool_)
        engine_.useWorkers(nullptr);
}

Result<std::unique_ptr<OfflineRenderer>> OfflineRenderer::create(Engine& engine, const Graph& graph,
    std::uint32_t blockFrames, int workers)
{
    if (blockFrames == 0 || blockFrames > graph.maxFrames)
        return makeError(ErrorCode::Engine, fmt::format("offline block of {} frames exceeds the graph's {}", blockFrames,
                                                graph.maxFrames));
    std::unique_ptr<OfflineRenderer> renderer(new OfflineRenderer(engine, graph.sampleRate, blockFrames));
    renderer->numInputChannels_ = graph.inputNames.size();
    for (const auto& track : graph.tracks) {
        if (!track.inputFile || track.inputBase < 0)
            continue;
        auto input = std::make_unique<InputFile>();
        input->file = sf_open(track.inputFile->c_str(), SFM_READ, &input->info);
        if (!input->file)
            return makeError(ErrorCode::Io, fmt::format("track '{}': cannot read input file {}: {}", track.name,
                                                track.inputFile->string(), sf_strerror(nullptr)));
        if (input->info.samplerate != graph.sampleRate)
            return makeError(ErrorCode::Io,
                fmt::format("track '{}': input file {} is {} Hz but the session renders at {} Hz; convert it or set "
                            "sample_rate: {}",
                    track.name, track.inputFile->string(), input->info.samplerate, graph.sampleRate,
                    input->info.samplerate));
        input->inputBase = track.inputBase;
        input->channels = track.channels;
        input->interleaved.resize(std::size_t(blockFrames) * std::size_t(input->info.channels));
        input->planar = AudioBuffer(input->info.channels, blockFrames);
        input->mapped = AudioBuffer(track.channels, blockFrames);
        renderer->inputs_.push_back(std::move(input));
    }
    if (workers == 0)
        workers = graph.workers > 0 ? graph.workers : WorkerPool::defaultWorkers();
    if (workers > 1) {
        auto pool = WorkerPool::create(workers);
        if (!pool)
            return pool.error();
        renderer->pool_ = std::move(pool.value());
        engine.useWorkers(&renderer->pool_->scheduler());
    }
    return renderer;
}

void OfflineRenderer::settle()
{
    std::vector<const float*> inputs(numInputChannels_, nullptr);
    float* none[2] = {nullptr, nullptr};
    engine_.process(inputs.data(), inputs.size(), none, 2, 0);
    engine_.collectGarbage();
}

Result<void> OfflineRenderer::render(std::uint64_t frames, const BlockSink& sink)
{
    return render([frames](std::uint64_t) -> Result<std::uint64_t> { return frames; }, sink);
}

Result<void> OfflineRenderer::render(const Length& length, const BlockSink& sink)
{
    std::vector<const float*> inputs(numInputChannels_, nullptr);
    AudioBuffer out(2, blockFrames_);
    auto total = length(0);
    for (std::uint64_t done = 0; total && done < *total;) {
        const auto n = std::uint32_t(std::min<std::uint64_t>(blockFrames_, *total - done));
        for (auto& input : inputs_) {
            input->read(n);
            for (int c = 0; c < input->channels; ++c)
                inputs[std::size_t(input->inputBase + c)] = input->mapped.channel(c);
        }
        engine_.process(inputs.data(), inputs.size(), out.pointers(), 2, n);
        engine_.collectGarbage();
        total = length(done + n);
        if (!total)
            break;
        // A length learnt from this very block (a song's end in it, and a tail shorter than
        // the rest of the block) keeps the block only up to it.
        const auto keep = std::uint32_t(std::min<std::uint64_t>(n, *total > done ? *total - done : 0));
        if (keep > 0)
            if (auto r = sink(out.pointers(), keep); !r)
                return r;
        done += n;
    }
    if (!total)
        return total.error();
    return {};
}

Result<void> OfflineRenderer::renderInto(std::uint64_t frames, std::vector<float>& left, std::vector<float>& right)
{
    left.reserve(left.size() + frames);
    right.reserve(right.size() + frames);
    return render(frames, [&](const float* const* master, std::uint32_t n) -> Result<void> {
        left.insert(left.end(), master[0], master[0] + n);
        right.insert(right.end(), master[1], master[1] + n);
        return {};
    });
}

namespace {

int formatFor(const std::filesystem::path& file)
{
    auto ext = file.extension().string();
    for (auto& ch : ext)
        ch = char(std::tolower(static_cast<unsigned char>(ch)));
    if (ext == ".wav")
        return SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    if (ext == ".w64")
        return SF_FORMAT_W64 | SF_FORMAT_FLOAT;
    if (ext == ".caf")
        return SF_FORMAT_CAF | SF_FORMAT_FLOAT;
    if (ext == ".flac")
        return SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
    if (ext == ".aif" || ext == ".aiff")
        return SF_FORMAT_AIFF | SF_FORMAT_PCM_24;
    return 0;
}

} // namespace

Result<void> OfflineRenderer::renderToFile(const std::filesystem::path& file, double seconds)
{
    if (!std::isfinite(seconds) || seconds <= 0.0)
        return makeError(ErrorCode::Engine, fmt::format("render duration must be a positive number of seconds, got {}", seconds));
    const auto frames = std::uint64_t(std::llround(seconds * sampleRate_));
    return renderToFile(file, [frames](std::uint64_t) -> Result<std::uint64_t> { return frames; });
}

Result<void> OfflineRenderer::renderToFile(const std::filesystem::path& file, const Length& length)
{
    SF_INFO info {};
    info.samplerate = sampleRate_;
    info.channels = 2;
    info.format = formatFor(file);
    if (info.format == 0 || !sf_format_check(&info))
        return makeError(ErrorCode::Io,
            fmt::format("cannot render to {}: use a .wav, .w64, .caf, .flac or .aiff file name", file.string()));
    const auto temp = std::filesystem::path(file.string() + ".partial");
    SNDFILE* out = sf_open(temp.c_str(), SFM_WRITE, &info);
    if (!out)
        return makeError(ErrorCode::Io, fmt::format("cannot write {}: {}", temp.string(), sf_strerror(nullptr)));
    std::vector<float> interleaved(std::size_t(blockFrames_) * 2);
    auto result = render(length, [&](const float* const* master, std::uint32_t n) -> Result<void> {
        for (std::uint32_t i = 0; i < n; ++i) {
            interleaved[2 * i] = master[0][i];
            interleaved[2 * i + 1] = master[1][i];
        }
        if (sf_writef_float(out, interleaved.data(), n) != sf_count_t(n))
            return makeError(ErrorCode::Io, fmt::format("cannot write {}: {}", temp.string(), sf_strerror(out)));
        return {};
    });
    if (sf_close(out) != 0 && result)
        result = makeError(ErrorCode::Io, fmt::format("cannot finish {}", temp.string()));
    std::error_code ec;
    if (!result) {
        std::filesystem::remove(temp, ec);
        return result;
    }
    std::filesystem::rename(temp, file, ec);
    if (ec)
        return makeError(ErrorCode::Io, fmt::format("cannot move {} to {}: {}", temp.string(), file.string(), ec.message()));
    return {};
}

} // namespace backline::engine
