// SPDX-License-Identifier: GPL-3.0-or-later
#include "RecordHarness.h"

#include <sndfile.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <sstream>

namespace backline::test {

TempDir::TempDir()
{
    std::string tmpl = "/tmp/backline-record-XXXXXX";
    if (!mkdtemp(tmpl.data()))
        std::abort();
    path_ = tmpl;
}

TempDir::~TempDir()
{
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

bool ringsDrained(const std::vector<record::CaptureSource>& sources)
{
    return std::all_of(sources.begin(), sources.end(), [](const auto& s) { return s.ring->readable() == 0; });
}

float knownSample(std::size_t source, int channel, std::uint64_t frame, int sampleRate)
{
    if (source == 0)
        return float(std::int64_t(frame % 65536) - 32768) / 32768.0f;
    const double freq = 110.0 * double(source + 1) + 37.0 * channel;
    // Phase from frame modulo one period keeps the value independent of how far the stream
    // has run (same float whichever thread computes it).
    const double period = double(sampleRate) / freq;
    const double phase = std::fmod(double(frame), period) / period;
    return float(0.5 * std::sin(2.0 * std::numbers::pi * phase));
}

Feeder::Feeder(std::vector<record::CaptureSource> sources, int sampleRate, double speed, std::uint32_t blockFrames)
    : sources_(std::move(sources))
    , sampleRate_(sampleRate)
    , speed_(speed)
    , block_(blockFrames)
{
    std::size_t planes = 0;
    for (const auto& s : sources_)
        planes += std::size_t(s.channels);
    planes_.assign(planes, std::vector<float>(blockFrames));
}

Feeder::~Feeder() { stop(); }

void Feeder::feedBlock(std::uint32_t n)
{
    const std::uint64_t first = fed_.load();
    std::size_t plane = 0;
    std::vector<const float*> ptrs;
    // Signals are computed before the timed part: only the ring writes are the "audio thread".
    for (std::size_t s = 0; s < sources_.size(); ++s)
        for (int c = 0; c < sources_[s].channels; ++c, ++plane)
            for (std::uint32_t i = 0; i < n; ++i)
                planes_[plane][i] = knownSample(s, c, first + i, sampleRate_);
    const auto t0 = std::chrono::steady_clock::now();
    plane = 0;
    for (std::size_t s = 0; s < sources_.size(); ++s) {
        const float* p[8];
        for (int c = 0; c < sources_[s].channels; ++c)
            p[c] = planes_[plane++].data();
        sources_[s].ring->writePlanar(p, n);
    }
    const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    if (us > maxBlockUs_.load())
        maxBlockUs_.store(us);
    fed_.store(first + n);
}

void Feeder::start()
{
    running_ = true;
    thread_ = std::thread([this] {
        const auto t0 = std::chrono::steady_clock::now();
        const std::uint64_t base = fed_.load();
        while (running_) {
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const auto due = base + std::uint64_t(elapsed * sampleRate_ * speed_);
            while (fed_.load() + block_ <= due)
                feedBlock(block_);
            std::this_thread::sleep_for(std::chrono::microseconds(
                std::int64_t(1e6 * block_ / (sampleRate_ * speed_))));
        }
    });
}

void Feeder::stop()
{
    running_ = false;
    if (thread_.joinable())
        thread_.join();
}

void Feeder::feedNow(std::uint64_t frames)
{
    while (frames > 0) {
        const auto n = std::uint32_t(std::min<std::uint64_t>(frames, block_));
        feedBlock(n);
        frames -= n;
    }
}

bool Feeder::waitUntil(std::uint64_t frames) const
{
    const std::uint64_t now = fed_.load();
    const double paced = now >= frames ? 0.0 : double(frames - now) / (sampleRate_ * speed_);
    const auto bound = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(paced));
    return waitFor([&] { return fed_.load() >= frames; }, bound + defaultWait);
}

AudioFile readAudio(const std::filesystem::path& path)
{
    AudioFile f;
    SF_INFO info {};
    SNDFILE* sf = sf_open(path.c_str(), SFM_READ, &info);
    if (!sf) {
        f.error = sf_strerror(nullptr);
        return f;
    }
    f.opened = true;
    f.channels = info.channels;
    f.sampleRate = info.samplerate;
    f.format = info.format;
    std::vector<float> buf(std::size_t(info.channels) * 65536);
    for (;;) {
        const sf_count_t n = sf_readf_float(sf, buf.data(), 65536);
        if (n <= 0)
            break;
        f.samples.insert(f.samples.end(), buf.begin(), buf.begin() + std::ptrdiff_t(n * info.channels));
        f.frames += std::uint64_t(n);
    }
    sf_close(sf);
    return f;
}

std::string compareWithKnown(const AudioFile& file, std::size_t source, std::uint64_t start, int sampleRate,
    float tolerance, std::uint64_t* checked)
{
    for (std::uint64_t i = 0; i < file.frames; ++i) {
        for (int c = 0; c < file.channels; ++c) {
            const float got = file.samples[i * std::size_t(file.channels) + std::size_t(c)];
            const float want = knownSample(source, c, start + i, sampleRate);
            if (!(std::fabs(got - want) <= tolerance)) {
                std::ostringstream msg;
                msg << "source " << source << " channel " << c << " frame " << i << " (capture frame "
                    << start + i << "): got " << got << ", expected " << want;
                return msg.str();
            }
        }
    }
    if (checked)
        *checked = file.frames;
    return {};
}

std::string formatLabel(record::FileFormat format, record::SampleBits bits)
{
    return std::string(record::formatName(format)) + "_" + std::to_string(record::bitsValue(bits));
}

std::filesystem::path onlyTake(const std::filesystem::path& root)
{
    std::filesystem::path found;
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(root))
        if (e.is_directory()) {
            found = e.path();
            ++n;
        }
    return n == 1 ? found : std::filesystem::path {};
}

} // namespace backline::test
