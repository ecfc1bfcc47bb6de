// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "record/RecordSettings.h"
#include "record/RecordTypes.h"

#include "WaitFor.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

/// Helpers for the recorder tests: a temporary folder, a thread that plays the audio
/// thread's part, known signals, and readers for what ends up on disk.
namespace backline::test {

/// A fresh folder under /tmp, removed (with what it holds) at the end of the test.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// True when every ring is empty: the disk writer has read everything fed into them (a
/// recorder's own control calls then run after it has also filed what it read).
bool ringsDrained(const std::vector<record::CaptureSource>& sources);

/// The known signal of source `source`, channel `channel`, at capture frame `frame`: source
/// 0 is a counter ramp (exact in 16-bit), the others sines of distinct frequencies (≤ 0.5).
float knownSample(std::size_t source, int channel, std::uint64_t frame, int sampleRate);

/// Plays the audio thread: every block, writes the known signals into every ring (all rings
/// in the same block), paced at `speed` times real time, until stopped.
class Feeder {
public:
    Feeder(std::vector<record::CaptureSource> sources, int sampleRate, double speed, std::uint32_t blockFrames = 128);
    ~Feeder();
    /// Starts feeding on its own thread.
    void start();
    /// Stops and joins.
    void stop();
    /// Feeds exactly frames more frames synchronously (no thread, no pacing).
    void feedNow(std::uint64_t frames);
    /// Blocks until at least frames frames have been offered to the rings; false if that has
    /// not happened within the time the pace asks for plus defaultWait.
    [[nodiscard]] bool waitUntil(std::uint64_t frames) const;
    /// Frames offered to every ring so far.
    std::uint64_t frames() const { return fed_.load(); }
    /// The longest any one block's writes took, in microseconds (the audio thread's view).
    double maxBlockMicros() const { return maxBlockUs_.load(); }

private:
    void feedBlock(std::uint32_t n);

    std::vector<record::CaptureSource> sources_;
    int sampleRate_;
    double speed_;
    std::uint32_t block_;
    std::vector<std::vector<float>> planes_;
    std::atomic<std::uint64_t> fed_ {0};
    std::atomic<double> maxBlockUs_ {0};
    std::atomic<bool> running_ {false};
    std::thread thread_;
};

/// A whole audio file read back as float.
struct AudioFile {
    bool opened = false;
    std::string error;
    int channels = 0;
    int sampleRate = 0;
    int format = 0;
    std::uint64_t frames = 0; ///< frames actually decoded
    std::vector<float> samples;
};
/// Reads path with libsndfile (until the data ends, whatever the header says).
AudioFile readAudio(const std::filesystem::path& path);

/// Frames of file (from frame 0) that differ from the known signal of source starting at
/// capture frame start by more than tolerance; returns the first mismatch message or "".
std::string compareWithKnown(const AudioFile& file, std::size_t source, std::uint64_t start, int sampleRate,
    float tolerance, std::uint64_t* checked = nullptr);

/// A test-name suffix for a format and sample width (`rf64_24`).
std::string formatLabel(record::FileFormat format, record::SampleBits bits);

/// The only sub-folder of root (a take), or empty.
std::filesystem::path onlyTake(const std::filesystem::path& root);

} // namespace backline::test
