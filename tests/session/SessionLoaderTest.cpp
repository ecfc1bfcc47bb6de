// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/SessionLoader.h"

#include "core/Config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace {

namespace fs = std::filesystem;
using backline::ErrorCode;
using backline::session::DspSpec;
using backline::session::loadSessionFile;
using backline::session::loadSessionText;
using backline::session::SessionSpec;
using backline::session::SourceLocation;

const fs::path sessionData = fs::path(BACKLINE_TEST_DATA_DIR) / "sessions";

/// Loads `yaml` as "demo.yaml" and checks it fails with a Session error whose message starts
/// with `prefix` (the file:line:column) and contains `detail`.
::testing::AssertionResult failsWith(const std::string& yaml, std::string_view prefix, std::string_view detail)
{
    const auto result = loadSessionText(yaml, "demo.yaml");
    if (result)
        return ::testing::AssertionFailure() << "the session loaded without error";
    const std::string& message = result.error().message;
    if (result.error().code != ErrorCode::Session)
        return ::testing::AssertionFailure() << "not a Session error: " << message;
    if (!message.starts_with(prefix))
        return ::testing::AssertionFailure() << "message does not start with '" << prefix << "': " << message;
    if (message.find(detail) == std::string::npos)
        return ::testing::AssertionFailure() << "message does not say '" << detail << "': " << message;
    return ::testing::AssertionSuccess();
}

/// The error message of loading `yaml` as "demo.yaml", for tests that pin the whole message.
std::string errorOf(const std::string& yaml)
{
    const auto result = loadSessionText(yaml, "demo.yaml");
    return result ? std::string("(loaded without error)") : result.error().message;
}

/// A session with one track whose body is `trackLines` (each indented by four spaces).
std::string oneTrack(const std::string& trackLines) { return "backline: 1\ntracks:\n  - name: pad\n" + trackLines; }

/// A fresh folder under the system's temp folder, removed after the test.
class SessionLoaderFiles : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "backline-session-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override
    {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    fs::path write(const fs::path& relative, const std::string& content) const
    {
        fs::path path = dir_ / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }

    fs::path dir_;
};

// ---- valid sessions ----

TEST(SessionLoader, LoadsEveryKeyOfAFullSession)
{
    const fs::path folder = sessionData / "full";
    const auto result = loadSessionFile(folder / "full.yaml");
    ASSERT_TRUE(result) << result.error().message;
    const SessionSpec& s = result.value();

    EXPECT_EQ(s.file, (folder / "full.yaml").lexically_normal());
    EXPECT_EQ(s.name, "full-demo");
    EXPECT_EQ(s.sampleRate, 44100);
    EXPECT_EQ(s.osc.port, 9100);
    EXPECT_EQ(s.osc.clientRate, 500.0);
    EXPECT_EQ(s.osc.replyRate, 2000000.0);
    EXPECT_EQ(s.osc.tcpIdleTimeout, 30.0);
    ASSERT_EQ(s.tracks.size(), 3u);

    const auto& pad = s.tracks[0];
    EXPECT_EQ(pad.name, "pad");
    EXPECT_EQ(pad.channels, 2);
    EXPECT_EQ(pad.inputs, (std::vector<std::string> { "system:capture_1", "system:capture_2" }));
    ASSERT_TRUE(pad.inputFile.has_value());
    EXPECT_EQ(*pad.inputFile, (folder / "audio" / "pad.wav").lexically_normal());
    EXPECT_EQ(pad.dsp.kind, DspSpec::Kind::File);
    EXPECT_EQ(pad.dsp.file, (folder / "lowpass.dsp").lexically_normal());
    ASSERT_EQ(pad.dspParams.size(), 2u);
    EXPECT_EQ(pad.dspParams[0].path, "cutoff");
    EXPECT_DOUBLE_EQ(pad.dspParams[0].value, 800.0);
    EXPECT_EQ(pad.dspParams[1].path, "res/q");
    EXPECT_DOUBLE_EQ(pad.dspParams[1].value, 2.5);
    EXPECT_DOUBLE_EQ(pad.gainDb, -6.0);
    EXPECT_DOUBLE_EQ(pad.pan, -0.5);
    EXPECT_TRUE(pad.mute);

    const auto& drone = s.tracks[1];
    EXPECT_EQ(drone.name, "drone_1");
    EXPECT_EQ(drone.dsp.kind, DspSpec::Kind::Builtin);
    EXPECT_EQ(drone.dsp.builtin, "drone");
    ASSERT_EQ(drone.dspParams.size(), 1u);
    EXPECT_EQ(drone.dspParams[0].path, "freq");
    EXPECT_DOUBLE_EQ(drone.dspParams[0].value, 55.0);

    const auto& vox = s.tracks[2];
    EXPECT_EQ(vox.name, "Vox-2");
    EXPECT_EQ(vox.inputs, (std::vector<std::string> { "system:capture_3" }));

    EXPECT_EQ(s.master.dsp.kind, DspSpec::Kind::File);
    EXPECT_EQ(s.master.dsp.file, (folder / "lowpass.dsp").lexically_normal());
    ASSERT_EQ(s.master.dspParams.size(), 1u);
    EXPECT_EQ(s.master.dspParams[0].path, "cutoff");
    EXPECT_DOUBLE_EQ(s.master.dspParams[0].value, 12000.0);
    EXPECT_DOUBLE_EQ(s.master.gainDb, -3.0);
    ASSERT_TRUE(s.master.outputs.has_value());
    EXPECT_EQ(*s.master.outputs, (std::vector<std::string> { "system:playback_1", "system:playback_2" }));
}

TEST(SessionLoader, FillsSourceLocationsOfTracksDspAndParams)
{
    const fs::path file = sessionData / "full" / "full.yaml";
    const auto result = loadSessionFile(file);
    ASSERT_TRUE(result) << result.error().message;
    const auto& pad = result->tracks[0];
    EXPECT_EQ(pad.where.str(), file.string() + ":9:5");
    EXPECT_EQ(pad.dsp.where.str(), file.string() + ":13:10");
    EXPECT_EQ(pad.dspParams[0].where.str(), file.string() + ":15:7");
    EXPECT_EQ(pad.dspParams[1].where.str(), file.string() + ":16:7");
    EXPECT_EQ(result->tracks[1].dspParams[0].where.str(), file.string() + ":22:14");
    EXPECT_EQ(result->master.where.str(), file.string() + ":27:3");
    EXPECT_EQ(result->master.dsp.where.str(), file.string() + ":27:8");
}

TEST(SessionLoader, AppliesDefaultsToOmittedKeys)
{
    const auto result = loadSessionText("backline: 1\ntracks:\n  - name: solo\n", "/songs/demo.yaml");
    ASSERT_TRUE(result) << result.error().message;
    const SessionSpec& s = result.value();
    EXPECT_EQ(s.file, fs::path("/songs/demo.yaml"));
    EXPECT_EQ(s.name, "demo");
    EXPECT_EQ(s.sampleRate, 48000);
    EXPECT_EQ(s.osc.port, backline::config::defaultOscPort);
    ASSERT_EQ(s.tracks.size(), 1u);
    const auto& t = s.tracks[0];
    EXPECT_EQ(t.channels, 1);
    EXPECT_TRUE(t.inputs.empty());
    EXPECT_FALSE(t.inputFile.has_value());
    EXPECT_EQ(t.dsp.kind, DspSpec::Kind::None);
    EXPECT_TRUE(t.dspParams.empty());
    EXPECT_EQ(t.gainDb, 0.0);
    EXPECT_EQ(t.pan, 0.0);
    EXPECT_FALSE(t.mute);
    EXPECT_EQ(s.master.dsp.kind, DspSpec::Kind::None);
    EXPECT_EQ(s.master.gainDb, 0.0);
    EXPECT_FALSE(s.master.outputs.has_value()); // the physical playback ports, not "none"
}

TEST(SessionLoader, AcceptsAnEmptyTrackList)
{
    const auto result = loadSessionText("backline: 1\ntracks: []\n", "demo.yaml");
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_TRUE(result->tracks.empty());
}

TEST(SessionLoader, ResolvesARelativeSessionPathAgainstTheWorkingFolder)
{
    const auto result = loadSessionText("backline: 1\ntracks: []\n", "sets/../demo.yaml");
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->file, (fs::current_path() / "demo.yaml").lexically_normal());
    EXPECT_TRUE(result->file.is_absolute());
}

TEST(SessionLoader, AcceptsNumbersInEveryDecimalForm)
{
    const auto result = loadSessionText(
        oneTrack("    gain: -1.5e1\n    pan: .25\n    params: {a: +3, b: 1e3}\n    dsp: tone\n"), "demo.yaml");
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_DOUBLE_EQ(result->tracks[0].gainDb, -15.0);
    EXPECT_DOUBLE_EQ(result->tracks[0].pan, 0.25);
    EXPECT_DOUBLE_EQ(result->tracks[0].dspParams[0].value, 3.0);
    EXPECT_DOUBLE_EQ(result->tracks[0].dspParams[1].value, 1000.0);
}

TEST(SessionLoader, AcceptsYesNoOnOffForMute)
{
    for (const char* word : { "true", "True", "yes", "on", "ON", "y" }) {
        const auto result = loadSessionText(oneTrack(std::string("    mute: ") + word + "\n"), "demo.yaml");
        ASSERT_TRUE(result) << word << ": " << result.error().message;
        EXPECT_TRUE(result->tracks[0].mute) << word;
    }
    for (const char* word : { "false", "FALSE", "no", "off", "Off", "n" }) {
        const auto result = loadSessionText(oneTrack(std::string("    mute: ") + word + "\n"), "demo.yaml");
        ASSERT_TRUE(result) << word << ": " << result.error().message;
        EXPECT_FALSE(result->tracks[0].mute) << word;
    }
}

TEST(SessionLoader, TakesABuiltinDspByNameWithoutCheckingItExists)
{
    const auto result = loadSessionText(oneTrack("    dsp: no_such_builtin_2\n"), "demo.yaml");
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->tracks[0].dsp.kind, DspSpec::Kind::Builtin);
    EXPECT_EQ(result->tracks[0].dsp.builtin, "no_such_builtin_2");
}

TEST(SessionLoader, ReadsParamsWrittenBeforeTheDsp)
{
    const auto result = loadSessionText(oneTrack("    params: {cutoff: 800}\n    dsp: tone\n"), "demo.yaml");
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->tracks[0].dspParams.size(), 1u);
}

TEST(SessionLoader, AcceptsMaxTracks)
{
    std::string yaml = "backline: 1\ntracks:\n";
    for (std::size_t i = 0; i < backline::config::maxTracks; ++i)
        yaml += "  - name: t" + std::to_string(i) + "\n";
    const auto result = loadSessionText(yaml, "demo.yaml");
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->tracks.size(), backline::config::maxTracks);
}

TEST(SourceLocation, FormatsFileLineAndColumn)
{
    EXPECT_EQ((SourceLocation { "demo.yaml", 7, 5 }).str(), "demo.yaml:7:5");
    EXPECT_EQ((SourceLocation { "demo.yaml", 7, 0 }).str(), "demo.yaml:7");
    EXPECT_EQ((SourceLocation { "demo.yaml", 0, 0 }).str(), "demo.yaml");
}

// ---- relative paths and files that must exist ----

TEST_F(SessionLoaderFiles, ResolvesDspAndInputFileAgainstTheSessionFolder)
{
    write("sounds/pad.wav", "RIFF");
    write("dsp/pad.dsp", "process = _;");
    const fs::path session = write("sets/demo.yaml",
        "backline: 1\n"
        "tracks:\n"
        "  - name: pad\n"
        "    input_file: ../sounds/pad.wav\n"
        "    dsp: ../dsp/pad.dsp\n");
    const auto result = loadSessionFile(session);
    ASSERT_TRUE(result) << result.error().message;
    const auto& track = result->tracks[0];
    EXPECT_EQ(track.dsp.kind, DspSpec::Kind::File);
    EXPECT_EQ(track.dsp.file, (dir_ / "dsp" / "pad.dsp").lexically_normal());
    EXPECT_TRUE(track.dsp.file.is_absolute());
    ASSERT_TRUE(track.inputFile.has_value());
    EXPECT_EQ(*track.inputFile, (dir_ / "sounds" / "pad.wav").lexically_normal());
}

TEST_F(SessionLoaderFiles, KeepsAnAbsoluteDspPath)
{
    const fs::path dsp = write("elsewhere/fx.dsp", "process = _;");
    const fs::path session = write("demo.yaml", "backline: 1\ntracks: []\nmaster:\n  dsp: " + dsp.string() + "\n");
    const auto result = loadSessionFile(session);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->master.dsp.file, dsp);
}

TEST_F(SessionLoaderFiles, RejectsAMissingDspFileNamingWhereItLooked)
{
    const fs::path session = write("demo.yaml",
        "backline: 1\n"
        "tracks:\n"
        "  - name: pad\n"
        "    channels: 2\n"
        "    dsp: missing.dsp\n");
    const auto result = loadSessionFile(session);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::Session);
    EXPECT_EQ(result.error().message,
        session.string() + ":5:10: dsp file 'missing.dsp' not found (looked for " + (dir_ / "missing.dsp").string()
            + ")");
}

TEST_F(SessionLoaderFiles, RejectsADspPathThatIsAFolder)
{
    fs::create_directories(dir_ / "odd.dsp");
    const fs::path session = write("demo.yaml", "backline: 1\ntracks: []\nmaster:\n  dsp: odd.dsp\n");
    const auto result = loadSessionFile(session);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message,
        session.string() + ":4:8: dsp file 'odd.dsp' is a folder, not a file (" + (dir_ / "odd.dsp").string() + ")");
}

TEST_F(SessionLoaderFiles, RejectsAMissingInputFile)
{
    const fs::path session = write("demo.yaml", "backline: 1\ntracks:\n  - name: pad\n    input_file: takes/pad.wav\n");
    const auto result = loadSessionFile(session);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().message,
        session.string() + ":4:17: input file 'takes/pad.wav' not found (looked for "
            + (dir_ / "takes" / "pad.wav").string() + ")");
}

TEST_F(SessionLoaderFiles, ReportsAMissingSessionFileAsAnIoErrorNamingThePath)
{
    const fs::path missing = dir_ / "nope.yaml";
    const auto result = loadSessionFile(missing);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::Io);
    EXPECT_EQ(result.error().message, missing.string() + ": cannot read the session file (No such file or directory)");
}

TEST(SessionLoader, SaysWhereItLookedForARelativeSessionFile)
{
    const auto result = loadSessionFile("no-such-folder/demo.yaml");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::Io);
    EXPECT_EQ(result.error().message,
        "no-such-folder/demo.yaml: cannot read the session file (No such file or directory); looked for "
            + (fs::current_path() / "no-such-folder" / "demo.yaml").string());
}

TEST_F(SessionLoaderFiles, ReportsAFolderGivenAsSessionFileAsAnIoError)
{
    const auto result = loadSessionFile(dir_);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::Io);
    EXPECT_EQ(result.error().message, dir_.string() + ": cannot read the session file: it is a folder");
}

TEST_F(SessionLoaderFiles, ReportsAnEmptySessionFile)
{
    const fs::path session = write("empty.yaml", "");
    const auto result = loadSessionFile(session);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::Session);
    EXPECT_EQ(result.error().message,
        session.string() + ":1:1: the session is empty; it needs at least 'backline: 1' and 'tracks:'");
}

// ---- YAML structure ----

TEST(SessionLoader, ReportsYamlSyntaxErrorsWithPosition)
{
    EXPECT_EQ(
        errorOf("backline: 1\ntracks: [pad\n"), "demo.yaml:3:1: YAML syntax error: end of sequence flow not found");
    EXPECT_TRUE(failsWith("backline: 1\nname: a: b\n", "demo.yaml:2:8: ", "YAML syntax error: "));
}

TEST(SessionLoader, SaysWhenTabsBreakTheIndentation)
{
    EXPECT_EQ(errorOf("backline: 1\ntracks:\n\t- name: pad\n"),
        "demo.yaml:3:2: YAML syntax error: illegal block entry (indent with spaces: YAML does not allow tabs)");
}

TEST(SessionLoader, RejectsATextWithOnlyComments)
{
    EXPECT_TRUE(failsWith("# nothing yet\n", "demo.yaml:1:1: ", "the session is empty"));
    EXPECT_TRUE(failsWith("---\n", "demo.yaml:1:1: ", "the session is empty"));
}

TEST(SessionLoader, RejectsATopLevelThatIsNotAMap)
{
    EXPECT_EQ(errorOf("- backline: 1\n"),
        "demo.yaml:1:1: a session must be a map of keys starting with 'backline: 1', got a list");
    EXPECT_TRUE(failsWith("just words\n", "demo.yaml:1:1: ", "got 'just words'"));
}

TEST(SessionLoader, RejectsASecondYamlDocument)
{
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\n---\nbackline: 1\n", "demo.yaml:4:1: ", "one YAML document"));
}

TEST(SessionLoader, RejectsADuplicateKey)
{
    EXPECT_EQ(errorOf(oneTrack("    gain: 1\n    gain: 2\n")),
        "demo.yaml:5:5: duplicate key 'gain' in track 'pad' (first given at 4:5)");
}

TEST(SessionLoader, RejectsAKeyThatIsNotAWord)
{
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\n[a, b]: 1\n",
        "demo.yaml:3:1: ", "keys at the top level must be plain words, got a list"));
}

// ---- unknown keys ----

TEST(SessionLoader, RejectsUnknownKeyWithLineAndColumn)
{
    const std::string yaml = "backline: 1\n"
                             "name: demo\n"
                             "tracks:\n"
                             "  - name: pad\n"
                             "    channels: 2\n"
                             "    gain: -6\n"
                             "    gian: -6\n";
    EXPECT_EQ(errorOf(yaml), "demo.yaml:7:5: unknown key 'gian' in track 'pad' (did you mean 'gain'?)");
}

TEST(SessionLoader, ListsTheKnownKeysWhenNoneIsClose)
{
    EXPECT_EQ(errorOf("backline: 1\ntracks: []\nosc:\n  colour: red\n"),
        "demo.yaml:4:3: unknown key 'colour' in 'osc' (expected one of: port, allow, client_rate, reply_rate, "
        "tcp_idle_timeout, require_pin)");
}

TEST(SessionLoader, RejectsUnknownKeysAtEveryLevel)
{
    EXPECT_EQ(errorOf("backline: 1\ntrack: []\n"),
        "demo.yaml:2:1: unknown key 'track' at the top level (did you mean 'tracks'?)");
    EXPECT_EQ(errorOf("backline: 1\ntracks: []\nosc: {prot: 9000}\n"),
        "demo.yaml:3:7: unknown key 'prot' in 'osc' (did you mean 'port'?)");
    EXPECT_EQ(errorOf("backline: 1\ntracks: []\nmaster:\n  output: [a]\n"),
        "demo.yaml:4:3: unknown key 'output' in 'master' (did you mean 'outputs'?)");
    EXPECT_EQ(errorOf("backline: 1\ntracks:\n  - channels: 1\n    dps: tone\n"),
        "demo.yaml:4:5: unknown key 'dps' in track 1 (did you mean 'dsp'?)");
}

// ---- values ----

TEST(SessionLoader, RejectsAGainThatIsNotANumber)
{
    const std::string yaml = "backline: 1\n"
                             "tracks:\n"
                             "  - name: bass\n"
                             "    gain: 0\n"
                             "  - name: pad\n"
                             "    channels: 1\n"
                             "    pan: 0\n"
                             "    mute: false\n"
                             "    gain: loud\n";
    EXPECT_EQ(errorOf(yaml), "demo.yaml:9:11: 'gain' must be a number in dB from -120 to 12, got 'loud'");
}

TEST(SessionLoader, RejectsValuesOutOfRange)
{
    EXPECT_EQ(
        errorOf(oneTrack("    gain: 13\n")), "demo.yaml:4:11: 'gain' must be a number in dB from -120 to 12, got '13'");
    EXPECT_EQ(errorOf(oneTrack("    pan: -1.5\n")), "demo.yaml:4:10: 'pan' must be a number from -1 to 1, got '-1.5'");
    EXPECT_EQ(errorOf("backline: 1\ntracks: []\nmaster: {gain: -121}\n"),
        "demo.yaml:3:16: 'gain' must be a number in dB from -120 to 12, got '-121'");
    EXPECT_EQ(errorOf(oneTrack("    channels: 3\n")), "demo.yaml:4:15: 'channels' must be 1 or 2, got '3'");
    EXPECT_EQ(errorOf("backline: 1\nsample_rate: 4000\ntracks: []\n"),
        "demo.yaml:2:14: 'sample_rate' must be a whole number from 8000 to 384000, got '4000'");
    EXPECT_TRUE(failsWith("backline: 1\nsample_rate: 44100.5\ntracks: []\n", "demo.yaml:2:14: ", "whole number"));
}

TEST(SessionLoader, RejectsOscPortZeroAndOutOfRange)
{
    EXPECT_EQ(errorOf("backline: 1\ntracks: []\nosc:\n  port: 0\n"),
        "demo.yaml:4:9: 'port' must be a whole number from 1 to 65535, got '0'");
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\nosc:\n  port: 65536\n", "demo.yaml:4:9: ", "got '65536'"));
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\nosc:\n  port: 0x2328\n", "demo.yaml:4:9: ", "got '0x2328'"));
}

TEST(SessionLoader, RejectsNanAndInfinity)
{
    EXPECT_EQ(errorOf(oneTrack("    gain: .nan\n")),
        "demo.yaml:4:11: 'gain' must be a number in dB from -120 to 12 (NaN and infinity are not allowed), got '.nan'");
    EXPECT_TRUE(failsWith(oneTrack("    pan: -.inf\n"), "demo.yaml:4:10: ", "NaN and infinity are not allowed"));
    EXPECT_EQ(errorOf(oneTrack("    dsp: tone\n    params: {freq: .Inf}\n")),
        "demo.yaml:5:20: 'freq' must be a finite number (NaN and infinity are not allowed), got '.Inf'");
    EXPECT_TRUE(
        failsWith(oneTrack("    dsp: tone\n    params: {freq: nan}\n"), "demo.yaml:5:20: ", "NaN and infinity"));
}

TEST(SessionLoader, RejectsANumberForMute)
{
    EXPECT_EQ(errorOf(oneTrack("    mute: 1\n")), "demo.yaml:4:11: 'mute' must be true or false, got '1'");
    EXPECT_TRUE(failsWith(oneTrack("    mute: maybe\n"), "demo.yaml:4:11: ", "true or false"));
}

TEST(SessionLoader, PointsAtTheKeyWhenAValueIsMissing)
{
    // yaml-cpp marks an empty value at the next line; the key is where the fix goes.
    EXPECT_EQ(errorOf(oneTrack("    gain:\n    pan: 0\n")),
        "demo.yaml:4:5: 'gain' must be a number in dB from -120 to 12, got nothing");
}

TEST(SessionLoader, RejectsAWrongShapeForASection)
{
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\nosc: 9000\n",
        "demo.yaml:3:6: ", "'osc' must be a map of keys and values, got '9000'"));
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\nmaster: [a]\n", "demo.yaml:3:9: ", "'master' must be a map"));
    EXPECT_TRUE(failsWith("backline: 1\ntracks: {pad: 1}\n", "demo.yaml:2:9: ", "'tracks' must be a list of tracks"));
    EXPECT_TRUE(
        failsWith("backline: 1\ntracks:\n  - pad\n", "demo.yaml:3:5: ", "each entry of 'tracks' must be a map"));
}

// ---- schema version and required keys ----

TEST(SessionLoader, RejectsAMissingSchemaVersion)
{
    EXPECT_EQ(errorOf("name: demo\ntracks: []\n"),
        "demo.yaml:1:1: missing 'backline: 1' at the top level (the session format's version)");
}

TEST(SessionLoader, RejectsAnUnsupportedSchemaVersion)
{
    EXPECT_EQ(errorOf("tracks: []\nbackline: 2\nlayers: []\n"),
        "demo.yaml:2:11: session format version 2 is not supported: this backline reads 'backline: 1'");
    EXPECT_TRUE(failsWith("backline: one\ntracks: []\n",
        "demo.yaml:1:11: ", "'backline' must be the session format's version 1, got 'one'"));
}

TEST(SessionLoader, RejectsAMissingTrackList)
{
    EXPECT_TRUE(failsWith("backline: 1\nname: demo\n", "demo.yaml:1:1: ", "missing 'tracks'"));
}

// ---- tracks ----

TEST(SessionLoader, RejectsADuplicateTrackName)
{
    EXPECT_EQ(errorOf("backline: 1\ntracks:\n- name: pad\n- name: pad\n"),
        "demo.yaml:4:9: duplicate track name 'pad' (first defined at 3:9)");
}

TEST(SessionLoader, RejectsATrackWithoutName)
{
    EXPECT_EQ(errorOf("backline: 1\ntracks:\n  - name: a\n  - gain: 0\n"),
        "demo.yaml:4:5: track 2 has no 'name' (every track needs one, like 'name: vox')");
}

TEST(SessionLoader, RejectsTrackNamesThatCannotStandInAnOscAddress)
{
    EXPECT_TRUE(failsWith(
        "backline: 1\ntracks:\n  - name: my pad\n", "demo.yaml:3:11: ", "may only use letters, digits, '_' and '-'"));
    EXPECT_TRUE(failsWith("backline: 1\ntracks:\n  - name: \"\"\n", "demo.yaml:3:11: ", "'name' must not be empty"));
    EXPECT_TRUE(failsWith(
        "backline: 1\ntracks:\n  - name: " + std::string(65, 'a') + "\n", "demo.yaml:3:11: ", "64 characters at most"));
    EXPECT_TRUE(failsWith("backline: 1\ntracks:\n  - name: " + std::string(64, 'a') + "\n  - name: master\n",
        "demo.yaml:4:11: ", "track name 'master' is reserved for the master bus"));
}

TEST(SessionLoader, RejectsMoreTracksThanTheLimit)
{
    std::string yaml = "backline: 1\ntracks:\n";
    for (std::size_t i = 0; i <= backline::config::maxTracks; ++i)
        yaml += "  - name: t" + std::to_string(i) + "\n";
    EXPECT_TRUE(failsWith(yaml, "demo.yaml:" + std::to_string(backline::config::maxTracks + 3) + ":5: ",
        "too many tracks: a session holds at most " + std::to_string(backline::config::maxTracks)));
}

TEST(SessionLoader, RejectsMoreInputsThanChannels)
{
    EXPECT_EQ(errorOf(oneTrack("    inputs: [system:capture_1, system:capture_2]\n")),
        "demo.yaml:4:13: track 'pad' has 2 inputs but 1 channel; set 'channels: 2' or list fewer inputs");
}

TEST(SessionLoader, RejectsInputsThatAreNotPortNames)
{
    EXPECT_TRUE(failsWith(oneTrack("    inputs: system:capture_1\n"),
        "demo.yaml:4:13: ", "'inputs' must be a list like [system:capture_1]"));
    EXPECT_TRUE(failsWith(oneTrack("    inputs: [{a: b}]\n"),
        "demo.yaml:4:14: ", "each entry of 'inputs' must be a JACK port name, got a map"));
}

TEST(SessionLoader, RejectsMoreThanTwoMasterOutputs)
{
    EXPECT_EQ(errorOf("backline: 1\ntracks: []\nmaster:\n  outputs: [a, b, c]\n"),
        "demo.yaml:4:12: 'outputs' lists 3 ports but the master has 2 outputs (left, right)");
}

TEST(SessionLoader, TellsAnEmptyOutputsListFromNone)
{
    // No key: the backend picks the physical playback ports. An empty list: nothing connected.
    const auto absent = loadSessionText("backline: 1\ntracks: []\nmaster: {gain: 0}\n", "demo.yaml");
    ASSERT_TRUE(absent) << absent.error().message;
    EXPECT_FALSE(absent->master.outputs.has_value());
    const auto empty = loadSessionText("backline: 1\ntracks: []\nmaster:\n  outputs: []\n", "demo.yaml");
    ASSERT_TRUE(empty) << empty.error().message;
    ASSERT_TRUE(empty->master.outputs.has_value());
    EXPECT_TRUE(empty->master.outputs->empty());
    EXPECT_EQ(errorOf("backline: 1\ntracks: []\nmaster:\n  outputs:\n"),
        "demo.yaml:4:3: 'outputs' must be a list like [system:playback_1, system:playback_2], got nothing");
}

// ---- dsp and params ----

TEST(SessionLoader, RejectsADspThatIsNeitherABuiltinNameNorADspFile)
{
    EXPECT_TRUE(failsWith(oneTrack("    dsp: Drone\n"), "demo.yaml:4:10: ", "'dsp' must be a built-in DSP name"));
    EXPECT_TRUE(
        failsWith(oneTrack("    dsp: fx/reverb\n"), "demo.yaml:4:10: ", "or a file ending in '.dsp', got 'fx/reverb'"));
    EXPECT_TRUE(failsWith(oneTrack("    dsp: [tone]\n"), "demo.yaml:4:10: ", "'dsp' must be text, got a list"));
}

TEST(SessionLoader, RejectsParamsWithoutDsp)
{
    EXPECT_TRUE(
        failsWith(oneTrack("    params: {cutoff: 800}\n"), "demo.yaml:4:5: ", "'params' in track 'pad' needs a 'dsp'"));
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\nmaster:\n  params: {cutoff: 800}\n",
        "demo.yaml:4:3: ", "'params' in 'master' needs a 'dsp'"));
}

TEST(SessionLoader, RejectsBadParamPathsAndValues)
{
    EXPECT_TRUE(failsWith(oneTrack("    dsp: tone\n    params: {/cutoff: 1}\n"),
        "demo.yaml:5:14: ", "parameter path '/cutoff' must be relative"));
    EXPECT_TRUE(failsWith(oneTrack("    dsp: tone\n    params: {env//attack: 1}\n"), "demo.yaml:5:14: ", "empty part"));
    EXPECT_TRUE(failsWith(oneTrack("    dsp: tone\n    params: {cutoff: high}\n"),
        "demo.yaml:5:22: ", "'cutoff' must be a number, got 'high'"));
    EXPECT_TRUE(failsWith(oneTrack("    dsp: tone\n    params:\n      env:\n        attack: 1\n"),
        "demo.yaml:7:9: ", "like 'env/attack: 0.1'"));
    EXPECT_TRUE(failsWith(oneTrack("    dsp: tone\n    params: {a: 1, a: 2}\n"),
        "demo.yaml:5:20: ", "duplicate key 'a' in 'params' of track 'pad'"));
}

// ---- robustness ----

TEST(SessionLoader, NeverThrowsOnMalformedInput)
{
    const char* inputs[]
        = { "\t", "{", "]", "backline: 1\ntracks: [&a, *a]\n", "backline: 1\ntracks: *nope\n", "backline: !!binary 1\n",
              "? [a]\n: b\n", "\xff\xfe\x00", "backline: 1\ntracks:\n  - name: pad\n    gain: 1\n   pan: 0\n",
              "backline: &v 1\ntracks: []\nname: *v\n", "%YAML 9.9\n---\nbackline: 1\n" };
    for (const char* input : inputs) {
        EXPECT_NO_THROW({
            const auto result = loadSessionText(input, "demo.yaml");
            if (!result) {
                EXPECT_TRUE(result.error().message.starts_with("demo.yaml")) << result.error().message;
            }
        }) << input;
    }
}

} // namespace

TEST(SessionLoader, AClientRateOutsideItsRangeOrNotANumberIsRefusedWhereItIsWritten)
{
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\nosc:\n  client_rate: 5\n", "demo.yaml:4:16: ", "must be a number in messages/s from 10 to 1000000, got '5'"));
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\nosc:\n  client_rate: fast\n", "demo.yaml:4:16: ", "number"));
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\nosc:\n  client_rate: .nan\n", "demo.yaml:4:16: ", "NaN"));
    EXPECT_FALSE(loadSessionText("backline: 1\ntracks: []\n", "demo.yaml")->osc.clientRate) << "absent: the server's default";
}

TEST(SessionLoader, TheReplyRateAndTcpIdleTimeoutAreReadWithinTheirRanges)
{
    auto s = loadSessionText("backline: 1\ntracks: []\nosc:\n  reply_rate: 250000\n  tcp_idle_timeout: 2.5\n", "demo.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->osc.replyRate, 250000.0);
    EXPECT_EQ(s->osc.tcpIdleTimeout, 2.5);
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\nosc:\n  reply_rate: 100\n", "demo.yaml:4:15: ",
        "must be a number in bytes/s from 10000 to 1000000000, got '100'"));
    EXPECT_TRUE(failsWith("backline: 1\ntracks: []\nosc:\n  tcp_idle_timeout: 0\n", "demo.yaml:4:21: ",
        "must be a number in s from 1 to 86400, got '0'"));
    const auto plain = loadSessionText("backline: 1\ntracks: []\n", "demo.yaml");
    EXPECT_FALSE(plain->osc.replyRate) << "absent: the server's default";
    EXPECT_FALSE(plain->osc.tcpIdleTimeout);
}
