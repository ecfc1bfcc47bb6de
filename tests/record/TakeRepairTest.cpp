// SPDX-License-Identifier: GPL-3.0-or-later
#include "RecordHarness.h"

#include "record/HeaderRepair.h"
#include "record/TakeFile.h"
#include "record/TakeManifest.h"
#include "record/TakeRepair.h"

#include <gtest/gtest.h>

#include <sndfile.h>

#include <fcntl.h>
#include <unistd.h>

using namespace backline;
using namespace backline::record;
using backline::test::TempDir;

namespace {

constexpr int rate = 48000;

/// Writes frames of source 1's known signal (stereo) and leaves the file as a crash would:
/// the header refreshed after refreshedFrames, then more audio and half a frame appended.
void writeInterrupted(const std::filesystem::path& path, FileFormat format, SampleBits bits,
    std::uint64_t refreshedFrames, std::uint64_t frames)
{
    auto f = TakeFile::create(path, format, bits, 2, rate);
    ASSERT_TRUE(f) << f.error().message;
    std::vector<float> buf(2 * frames);
    for (std::uint64_t i = 0; i < frames; ++i)
        for (int c = 0; c < 2; ++c)
            buf[2 * i + std::size_t(c)] = test::knownSample(1, c, i, rate);
    ASSERT_TRUE(f->write(buf.data(), refreshedFrames));
    f->refreshHeader();
    ASSERT_TRUE(f->write(buf.data() + 2 * refreshedFrames, frames - refreshedFrames));
    // Copy the file as it is now (what a SIGKILL leaves), then let the original close.
    std::filesystem::copy_file(path, path.string() + ".killed");
    ASSERT_TRUE(f->close());
    std::filesystem::rename(path.string() + ".killed", path);
    if (format != FileFormat::Flac) {
        const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
        ASSERT_GE(fd, 0);
        const char half[2] = {1, 2}; // a frame cut in the middle of its write
        ASSERT_EQ(::write(fd, half, 2), 2);
        ::close(fd);
    }
}

} // namespace

class RepairFormats : public ::testing::TestWithParam<std::tuple<FileFormat, SampleBits>> { };

TEST_P(RepairFormats, HeaderDescribesEveryWholeFrameAfterRepair)
{
    const auto [format, bits] = GetParam();
    TempDir dir;
    const auto path = dir.path() / (std::string("f") + std::string(formatExtension(format)));
    writeInterrupted(path, format, bits, rate, 2 * rate);
    auto frames = repairAudioFile(path);
    ASSERT_TRUE(frames) << frames.error().message;
    SF_INFO info {};
    SNDFILE* sf = sf_open(path.c_str(), SFM_READ, &info);
    ASSERT_NE(sf, nullptr) << sf_strerror(nullptr);
    sf_close(sf);
    EXPECT_EQ(std::uint64_t(info.frames), *frames);
    const auto audio = test::readAudio(path);
    if (format == FileFormat::Flac) // the encoder still held its last block when "killed"
        EXPECT_GE(*frames, std::uint64_t(2 * rate - 8192));
    else
        EXPECT_EQ(*frames, std::uint64_t(2 * rate));
    EXPECT_EQ(audio.frames, *frames);
    const float tol = bits == SampleBits::Int16 ? 1.0f / 32768 : bits == SampleBits::Int24 ? 1.0f / 8388608 : 0.0f;
    EXPECT_EQ(test::compareWithKnown(audio, 1, 0, rate, tol), "");
}

INSTANTIATE_TEST_SUITE_P(Formats, RepairFormats,
    ::testing::Values(std::tuple {FileFormat::Wav, SampleBits::Int24}, std::tuple {FileFormat::Wav, SampleBits::Float32},
        std::tuple {FileFormat::Rf64, SampleBits::Int24}, std::tuple {FileFormat::Rf64, SampleBits::Float32},
        std::tuple {FileFormat::W64, SampleBits::Int16}, std::tuple {FileFormat::W64, SampleBits::Float32},
        std::tuple {FileFormat::Caf, SampleBits::Int24}, std::tuple {FileFormat::Flac, SampleBits::Int16}),
    [](const auto& p) { return test::formatLabel(std::get<0>(p.param), std::get<1>(p.param)); });

TEST(TakeRepair, MarksAnInterruptedTakeCompleteWithItsRealLength)
{
    TempDir dir;
    const auto take = dir.path() / "2025-01-01_20-00-00_gig";
    std::filesystem::create_directories(take);
    writeInterrupted(take / "master.wav", FileFormat::Rf64, SampleBits::Int24, rate / 2, rate);
    TakeManifest m;
    m.name = "gig";
    m.format = "rf64";
    m.sources = {{"master", 2, {"master.wav"}, 0}};
    m.segments = {{1, 0, 0, "2025-01-01T20:00:00.000+00:00", ""}};
    m.markers = {{"intro", 100, std::nullopt, "2025-01-01T20:00:00.002+00:00"}};
    ASSERT_TRUE(writeManifest(take / "take.yaml", m));
    std::filesystem::create_directories(dir.path() / "not-a-take");

    auto report = repairTakes(dir.path());
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->problems.empty());
    ASSERT_EQ(report->repaired.size(), 1u);
    EXPECT_EQ(report->repaired[0].durationFrames, std::uint64_t(rate));
    auto fixed = readManifest(take / "take.yaml");
    ASSERT_TRUE(fixed);
    EXPECT_TRUE(fixed->complete);
    EXPECT_EQ(fixed->ended, "interrupted");
    EXPECT_FALSE(fixed->repairedAt.empty());
    EXPECT_EQ(fixed->durationFrames, std::uint64_t(rate));
    EXPECT_EQ(fixed->segments[0].frames, std::uint64_t(rate));
    EXPECT_EQ(fixed->markers.size(), 1u);

    auto again = repairTakes(dir.path());
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->repaired.empty()) << "a complete take is left alone";
}

TEST(TakeRepair, AMissingRootIsNothingToRepair)
{
    auto report = repairTakes("/nonexistent/backline/takes");
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->repaired.empty());
}
