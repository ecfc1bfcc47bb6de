// SPDX-License-Identifier: GPL-3.0-or-later
// Recording through the whole daemon: OSC /record/*, taps on the audio thread, files on disk.
#include "LiveDaemon.h"
#include "RawOscClient.h"
#include "Signal.h"

#include "control/osc/Timetag.h"

#include <gtest/gtest.h>

#include <sndfile.h>
#include <sys/mount.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

std::string recordSession(const std::string& folder, const std::string& extra = "")
{
    return "backline: 1\nname: rec\ntracks:\n"
           "  - name: a\n    dsp: tone\n    params: {freq: 440, level: -20}\n    pan: -1\n"
           "  - name: b\n    dsp: tone\n    params: {freq: 1000, level: -26}\n    pan: 1\n"
           "record:\n  folder: "
        + folder + "\n  format: wav\n  bits: 32\n  min_free_mb: 0\n  sources: [track/a/post, track/b/post, master]\n" + extra;
}

struct Audio {
    int channels = 0;
    std::vector<float> samples; // interleaved
    sf_count_t frames() const { return channels ? sf_count_t(samples.size()) / channels : 0; }
};

Audio readAudio(const std::filesystem::path& file)
{
    SF_INFO info {};
    SNDFILE* f = sf_open(file.c_str(), SFM_READ, &info);
    Audio a;
    if (!f)
        return a;
    a.channels = info.channels;
    a.samples.resize(std::size_t(info.frames * info.channels));
    sf_readf_float(f, a.samples.data(), info.frames);
    sf_close(f);
    return a;
}

/// Waits until the take holds `seconds` of audio by the daemon's own count (/record/status):
/// on a busy machine JACK's dummy driver runs slow, so wall time says little about frames.
void waitForRecorded(OscClient& osc, double seconds)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    double recorded = 0.0;
    while (std::chrono::steady_clock::now() < deadline) {
        osc.send("/record/status");
        for (auto m = osc.receive(1s); m; m = osc.receive(100ms)) {
            if (m->address == "/record/status")
                recorded = m->number(2);
        }
        if (recorded >= seconds)
            return;
        std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "the take holds " << recorded << " s after 30 s, expected " << seconds;
}

/// One channel of an interleaved stereo recording, its first `frames` frames (all when 0).
std::vector<float> channel(const Audio& a, int c, sf_count_t frames = 0)
{
    const sf_count_t n = frames > 0 ? std::min(frames, a.frames()) : a.frames();
    std::vector<float> out;
    for (sf_count_t i = 0; i < n; ++i)
        out.push_back(a.samples[std::size_t(2 * i + c)]);
    return out;
}

/// The lag at which the master recording is the two posts' sum over their first `frames`
/// frames, sample for sample (the master chain delays by its limiter's lookahead and is
/// otherwise transparent below its ceiling), or -1: then the sources are misaligned.
sf_count_t lagOfTheSum(const Audio& a, const Audio& b, const Audio& m, sf_count_t frames)
{
    auto matchesAt = [&](sf_count_t lag) {
        for (sf_count_t i = 1000; i < frames - lag; ++i)
            for (int c = 0; c < 2; ++c) {
                const float sum = a.samples[std::size_t(2 * i + c)] + b.samples[std::size_t(2 * i + c)];
                if (std::fabs(m.samples[std::size_t(2 * (i + lag) + c)] - sum) > 1e-6f)
                    return false;
            }
        return true;
    };
    for (sf_count_t l = 0; l < 512; ++l)
        if (matchesAt(l))
            return l;
    return -1;
}

std::filesystem::path onlyTake(const std::filesystem::path& root)
{
    std::filesystem::path take;
    for (const auto& entry : std::filesystem::directory_iterator(root))
        if (entry.is_directory())
            take = entry.path();
    return take;
}

} // namespace

TEST(DaemonRecord, RecordsAlignedSourcesWhoseSamplesAddUpToTheMaster)
{
    TempDir takes;
    LiveDaemon d(recordSession(takes.path().string()));
    lo_message name = lo_message_new();
    lo_message_add_string(name, "first");
    d.osc->send("/record/start", name);
    auto started = d.osc->receive(5s);
    ASSERT_TRUE(started);
    ASSERT_EQ(started->address, "/record/started") << started->text(1);
    waitForRecorded(*d.osc, 1.5);
    lo_message marker = lo_message_new();
    lo_message_add_string(marker, "chorus");
    d.osc->send("/record/marker", marker);
    EXPECT_EQ(d.osc->receive(5s)->address, "/record/marked");
    waitForRecorded(*d.osc, 2.6);
    auto stopped = d.osc->request("/record/stop", 10s);
    ASSERT_TRUE(stopped);
    ASSERT_EQ(stopped->address, "/record/stopped") << stopped->text(1);

    const auto take = onlyTake(takes.path());
    ASSERT_FALSE(take.empty());
    EXPECT_NE(take.filename().string().find("first"), std::string::npos);
    const Audio a = readAudio(take / "track-a-post.wav");
    const Audio b = readAudio(take / "track-b-post.wav");
    const Audio m = readAudio(take / "master.wav");
    ASSERT_EQ(a.channels, 2);
    ASSERT_GT(a.frames(), 48000 * 2);
    EXPECT_EQ(a.frames(), b.frames());
    EXPECT_EQ(a.frames(), m.frames());

    // Each post is its tone on one side only.
    EXPECT_NEAR(toneDb(channel(a, 0), 440.0, 48000.0), -20.0, 0.05);
    EXPECT_NEAR(toneDb(channel(b, 1), 1000.0, 48000.0), -26.0, 0.05);

    // Sample-aligned: the master is the two posts' sum at the master chain's lookahead.
    const sf_count_t lag = lagOfTheSum(a, b, m, a.frames());
    EXPECT_GE(lag, 0) << "the master file is not the posts' sum at any lag: sources are misaligned";

    const YAML::Node manifest = YAML::LoadFile((take / "take.yaml").string());
    EXPECT_TRUE(manifest["complete"].as<bool>());
    EXPECT_EQ(manifest["markers"].size(), 1u);
    EXPECT_EQ(manifest["markers"][0]["name"].as<std::string>(), "chorus");
    EXPECT_EQ(manifest["dropped_frames"].as<std::uint64_t>(), 0u);
    EXPECT_NE(manifest["session"].as<std::string>().find("name: rec"), std::string::npos);
}

TEST(DaemonRecord, AMarkerAndASceneRecallInATimedBundleLandOnTheSameFrameAndTheRecallMarksItToo)
{
    // The recall mutes a DC track the take records: the first sample that changes is the frame
    // the recall landed on, and the marker must name that very frame.
    TempDir takes;
    const std::string dc = std::string(BACKLINE_TEST_DATA_DIR) + "/faust/dc_level.dsp";
    LiveDaemon d("backline: 1\nname: rec\ntracks:\n  - {name: dc, dsp: " + dc
        + ", params: {level: 0.5}}\nscenes:\n  muted: {/track/dc/mute: 1}\nrecord:\n  folder: "
        + takes.path().string() + "\n  format: wav\n  bits: 32\n  min_free_mb: 0\n  sources: [track/dc/post]\n");
    d.osc->send("/record/start");
    auto started = d.osc->receive(5s);
    ASSERT_TRUE(started);
    ASSERT_EQ(started->address, "/record/started") << started->text(1);
    waitForRecorded(*d.osc, 0.5);
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    using backline::control::OscReply;
    c.sendBundle(backline::control::toTimetag(std::chrono::system_clock::now() + 300ms),
        {OscReply {"/scene/recall", {std::string("muted")}}, OscReply {"/record/marker", {std::string("drop")}}});
    for (const char* reply : {"/scene/recalled", "/record/marked"}) {
        auto m = c.receive(5s);
        ASSERT_TRUE(m);
        EXPECT_EQ(m->address, reply) << m->text(1);
    }
    waitForRecorded(*d.osc, 1.5);
    auto stopped = d.osc->request("/record/stop", 10s);
    ASSERT_TRUE(stopped);
    ASSERT_EQ(stopped->address, "/record/stopped") << stopped->text(1);

    const auto take = onlyTake(takes.path());
    const Audio post = readAudio(take / "track-dc-post.wav");
    ASSERT_GT(post.frames(), 48000);
    const auto left = channel(post, 0);
    std::size_t change = 0;
    for (std::size_t i = 1; i < left.size() && change == 0; ++i)
        if (left[i] != left[0])
            change = i;
    ASSERT_NE(change, 0u) << "the recall was heard";
    const YAML::Node manifest = YAML::LoadFile((take / "take.yaml").string());
    std::map<std::string, std::uint64_t> markers;
    for (const auto& marker : manifest["markers"])
        markers[marker["name"].as<std::string>()] = marker["frame"].as<std::uint64_t>();
    ASSERT_EQ(markers.size(), 2u) << "the bundle's and the recall's own";
    EXPECT_EQ(markers["drop"], change) << "the marker is on the first sample the recall changed";
    EXPECT_EQ(markers["scene:muted"], change) << "and so is the marker every recall drops";
}

TEST(DaemonRecord, BadRecordRequestsAnswerErrorAndChangeNothing)
{
    TempDir takes;
    LiveDaemon d(recordSession(takes.path().string()));
    auto expectError = [&](const std::string& address, lo_message m, const std::string& fragment) {
        d.osc->send(address, m);
        auto reply = d.osc->receive(5s);
        ASSERT_TRUE(reply) << address;
        EXPECT_EQ(reply->address, "/error") << address;
        EXPECT_NE(reply->text(1).find(fragment), std::string::npos) << reply->text(1);
    };
    lo_message escape = lo_message_new();
    lo_message_add_string(escape, "../../etc/evil");
    expectError("/record/start", escape, "");
    lo_message unknown = lo_message_new();
    lo_message_add_string(unknown, "track/nobody/post");
    expectError("/record/sources", unknown, "nobody");
    expectError("/record/stop", lo_message_new(), "");
    lo_message number = lo_message_new();
    lo_message_add_float(number, 1.0f);
    expectError("/record/marker", number, "string");
    EXPECT_TRUE(std::filesystem::is_empty(takes.path()) || onlyTake(takes.path()).empty());

    ASSERT_EQ(d.osc->request("/record/start", 5s)->address, "/record/started");
    expectError("/record/start", lo_message_new(), "");
    lo_message change = lo_message_new();
    lo_message_add_string(change, "master");
    expectError("/record/sources", change, "stop");
    ASSERT_EQ(d.osc->request("/record/stop", 10s)->address, "/record/stopped");
    auto sources = d.osc->request("/record/sources");
    ASSERT_TRUE(sources);
    EXPECT_EQ(sources->args.size(), 3u) << "the failed change left the sources as they were";
}

TEST(DaemonRecord, SigkillFiveSecondsIntoATakeLeavesFilesHoldingTheFirstFourAndTheNextStartRepairsIt)
{
    TempDir takes;
    const auto folder = takes.path().string();
    {
        LiveDaemon d(recordSession(folder));
        ASSERT_EQ(d.osc->request("/record/start", 5s)->address, "/record/started");
        waitForRecorded(*d.osc, 5.0);
        d.process->signal(SIGKILL);
        d.process->wait(5s);
    }
    const auto take = onlyTake(takes.path());
    ASSERT_FALSE(take.empty());
    // Unrepaired, as a user copying the files off straight after the crash finds them: every
    // file opens and holds at least the first 4 s of the 5 s take, and it is the right audio.
    const Audio a = readAudio(take / "track-a-post.wav");
    const Audio b = readAudio(take / "track-b-post.wav");
    const Audio m = readAudio(take / "master.wav");
    for (const Audio* audio : {&a, &b, &m}) {
        ASSERT_EQ(audio->channels, 2) << "a file does not open";
        EXPECT_GE(audio->frames(), 48000 * 4) << "a file holds less than 4 s of a 5 s take";
    }
    const sf_count_t frames = std::min({a.frames(), b.frames(), m.frames(), sf_count_t(48000 * 4)});
    EXPECT_NEAR(toneDb(channel(a, 0, frames), 440.0, 48000.0), -20.0, 0.05);
    EXPECT_LT(peakDb(channel(a, 1, frames)), -120.0);
    EXPECT_NEAR(toneDb(channel(b, 1, frames), 1000.0, 48000.0), -26.0, 0.05);
    EXPECT_GE(lagOfTheSum(a, b, m, frames), 0) << "the master is not the posts' sum: misaligned or damaged";
    EXPECT_FALSE(YAML::LoadFile((take / "take.yaml").string())["complete"].as<bool>());
    {
        LiveDaemon again(recordSession(folder));
    }
    const YAML::Node repaired = YAML::LoadFile((take / "take.yaml").string());
    EXPECT_TRUE(repaired["complete"].as<bool>());
    EXPECT_EQ(repaired["ended"].as<std::string>(), "interrupted");
    EXPECT_GE(readAudio(take / "master.wav").frames(), m.frames()) << "repair keeps everything that was there";
    EXPECT_GE(repaired["duration_frames"].as<std::int64_t>(), std::int64_t(48000 * 4));
}

TEST(DaemonRecord, AFullDiskClosesTheTakeTellsSubscribersAndTheAudioPlaysOn)
{
    TempDir dir;
    const auto mountPoint = dir.path() / "small";
    std::filesystem::create_directories(mountPoint);
    if (mount("tmpfs", mountPoint.c_str(), "tmpfs", 0, "size=3m") != 0)
        GTEST_SKIP() << "cannot mount a small tmpfs here (needs root)";
    struct Unmount {
        std::filesystem::path path;
        ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
    } unmount {mountPoint};

    LiveDaemon d(recordSession(mountPoint.string()));
    lo_message renew = lo_message_new();
    lo_message_add_float(renew, 60.0f);
    d.osc->send("/subscribe", renew);
    d.osc->send("/record/start");
    bool started = false;
    for (int i = 0; i < 2000 && !started; ++i) {
        auto m = d.osc->receive(5s);
        ASSERT_TRUE(m);
        ASSERT_NE(m->address, "/error") << m->text(1);
        started = m->address == "/record/started";
    }
    ASSERT_TRUE(started);
    // 3 stereo float files at 48 kHz fill 3 MB in about 2.7 s.
    bool told = false;
    for (int i = 0; i < 100 && !told; ++i) {
        auto m = d.osc->receive(200ms);
        told = m && m->address == "/record/event" && m->text(0) == "write_failed";
    }
    EXPECT_TRUE(told) << d.process->output();
    auto status = d.osc->request("/record/status");
    while (status && status->address != "/record/status")
        status = d.osc->receive(1s);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->text(0), "idle");
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    auto [l, r] = listener.capture(300ms);
    EXPECT_NEAR(rmsDb(l), -23.01, 0.2) << "the audio keeps running";
    EXPECT_TRUE(d.process->running());
}

// Stopping the daemon mid-take (a systemd stop, the end of the night) closes the take as a
// stop would: complete, every file whole and as long as the take says.
TEST(DaemonRecord, SigtermMidTakeClosesTheTakeCompleteWithEverythingRecorded)
{
    TempDir takes;
    {
        LiveDaemon d(recordSession(takes.path().string()));
        ASSERT_EQ(d.osc->request("/record/start", 5s)->address, "/record/started");
        waitForRecorded(*d.osc, 1.5);
        d.process->signal(SIGTERM);
        const auto code = d.process->wait(10s);
        ASSERT_TRUE(code);
        EXPECT_EQ(*code, 0) << d.process->output();
    }
    const auto take = onlyTake(takes.path());
    ASSERT_FALSE(take.empty());
    const YAML::Node manifest = YAML::LoadFile((take / "take.yaml").string());
    EXPECT_TRUE(manifest["complete"].as<bool>());
    EXPECT_EQ(manifest["ended"].as<std::string>(), "stopped");
    const auto frames = manifest["duration_frames"].as<std::int64_t>();
    EXPECT_GE(frames, std::int64_t(48000 * 3 / 2));
    for (const char* file : {"track-a-post.wav", "track-b-post.wav", "master.wav"})
        EXPECT_EQ(readAudio(take / file).frames(), frames) << file;
    EXPECT_NEAR(toneDb(channel(readAudio(take / "track-a-post.wav"), 0), 440.0, 48000.0), -20.0, 0.05);
}

namespace {

/// A session whose posts are a non-periodic drone (left) and a tone (right), both far below
/// the master limiter's ceiling: the master is their sum at the limiter's lookahead, so a
/// post shifted against the master by any number of frames shows.
std::string driftSession(const std::string& folder)
{
    return "backline: 1\nname: rec\ntracks:\n"
           "  - name: a\n    channels: 2\n    dsp: drone\n    params: {level: -24}\n    pan: -1\n"
           "  - name: b\n    dsp: tone\n    params: {freq: 997, level: -26}\n    pan: 1\n"
           "record:\n  folder: "
        + folder + "\n  format: wav\n  bits: 32\n  min_free_mb: 0\n  sources: [track/a/post, track/b/post, master]\n";
}

/// One `/record/status` answer and the per-source lines after it.
struct RecordStatus {
    std::string state;
    double seconds = 0;
    int dropped = -1;
    std::string lastError;
    std::vector<std::pair<std::string, int>> sourceDropped; ///< id, dropped in take
};

/// Asks /record/status; nullopt when no complete answer (status and 3 source lines) came back.
std::optional<RecordStatus> recordStatus(OscClient& osc)
{
    osc.send("/record/status");
    RecordStatus s;
    bool got = false;
    for (auto m = osc.receive(2s); m; m = osc.receive(200ms)) {
        if (m->address == "/record/status") {
            got = true;
            s.state = m->text(0);
            s.seconds = m->number(2);
            s.dropped = int(m->number(6));
            s.lastError = m->text(8);
        } else if (m->address == "/record/status/source") {
            s.sourceDropped.emplace_back(m->text(0), int(m->number(1)));
        }
        if (got && s.sourceDropped.size() == 3)
            return s;
    }
    return std::nullopt;
}

/// Polls /record/status until pred holds for it (deadline 60 s); the last answer, or nullopt.
template <typename Pred>
std::optional<RecordStatus> waitForStatus(OscClient& osc, Pred pred)
{
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    std::optional<RecordStatus> last;
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto s = recordStatus(osc)) {
            last = s;
            if (pred(*s))
                return last;
        }
        std::this_thread::sleep_for(50ms);
    }
    return last;
}

/// Checks a finished take: take.yaml's length is every file's, and the master is the posts' sum
/// at one lag over the whole take; returns that lag (-1: misaligned) and the take's frames.
std::pair<sf_count_t, sf_count_t> expectOneLengthAndAligned(const std::filesystem::path& take)
{
    const YAML::Node manifest = YAML::LoadFile((take / "take.yaml").string());
    const auto frames = manifest["duration_frames"].as<sf_count_t>();
    EXPECT_EQ(manifest["segments"].size(), 1u);
    EXPECT_EQ(manifest["segments"][0]["frames"].as<sf_count_t>(), frames);
    const Audio a = readAudio(take / "track-a-post.wav");
    const Audio b = readAudio(take / "track-b-post.wav");
    const Audio m = readAudio(take / "master.wav");
    for (const auto& [name, audio] : {std::pair {"track-a-post", &a}, {"track-b-post", &b}, {"master", &m}}) {
        EXPECT_EQ(audio->channels, 2) << name << " does not open";
        EXPECT_EQ(audio->frames(), frames) << name << ".wav does not end on the frame take.yaml states";
    }
    if (a.frames() != frames || b.frames() != frames || m.frames() != frames || frames < 4000)
        return {-1, frames};
    return {lagOfTheSum(a, b, m, frames), frames};
}

} // namespace

// Issue 16: after a full disk, a take's files ended at different frames and every later take
// had the source whose write failed shifted against the master (with dropped frames that
// appeared only at stop), until the daemon restarted. Here the disk is a real tmpfs that
// fills; without root, backlined runs under a file-size limit instead (the test says which).
TEST(DaemonRecord, AfterAFullDiskEveryFileEndsOnTheStatedFrameAndTheNextThreeTakesAreAlignedWithNoDrops)
{
    TempDir dir;
    const auto mountPoint = dir.path() / "small";
    std::filesystem::create_directories(mountPoint);
    const bool mounted = !std::getenv("BACKLINE_TEST_NO_MOUNT")
        && mount("tmpfs", mountPoint.c_str(), "tmpfs", 0, "size=4m") == 0;
    struct Unmount {
        std::filesystem::path path;
        bool mounted;
        ~Unmount()
        {
            if (mounted)
                umount2(path.c_str(), MNT_DETACH);
        }
    } unmount {mountPoint, mounted};
    // Without a mount: a file-size limit on backlined alone (SIGXFSZ ignored, which it
    // inherits, so a write past the limit fails with EFBIG as a full disk fails with ENOSPC).
    std::vector<std::string> launcher;
    struct RestoreSigxfsz {
        void (*previous)(int);
        ~RestoreSigxfsz() { std::signal(SIGXFSZ, previous); }
    } restore {std::signal(SIGXFSZ, mounted ? SIG_DFL : SIG_IGN)};
    if (!mounted)
        launcher = {"prlimit", "--fsize=3145728", "--"};
    std::cout << "[ disk full ] by "
              << (mounted ? "a 4 MB tmpfs that fills up (ENOSPC)"
                          : "an injected failure: backlined under a 3 MB file-size limit (EFBIG)")
              << "\n";
    RecordProperty("full_disk_by", mounted ? "tmpfs" : "RLIMIT_FSIZE");

    const auto takes = mountPoint / "takes";
    LiveDaemon d(driftSession(takes.string()), launcher);
    lo_message name = lo_message_new();
    lo_message_add_string(name, "full");
    d.osc->send("/record/start", name);
    auto started = d.osc->receive(5s);
    ASSERT_TRUE(started);
    ASSERT_EQ(started->address, "/record/started") << started->text(1);
    // 3 stereo float files fill the 3 MB left beside the 1 MB reserve in about 2.6 s of audio.
    auto failed = waitForStatus(*d.osc, [](const RecordStatus& s) { return s.state == "idle"; });
    ASSERT_TRUE(failed && failed->state == "idle") << "the take did not end\n" << d.process->output();
    EXPECT_FALSE(failed->lastError.empty());
    std::cout << "[ disk full ] " << failed->lastError << "\n";

    const auto full = onlyTake(takes);
    ASSERT_FALSE(full.empty());
    EXPECT_EQ(YAML::LoadFile((full / "take.yaml").string())["ended"].as<std::string>(), "write_failed");
    const auto [lag, failedFrames] = expectOneLengthAndAligned(full);
    std::cout << "[ disk full ] the failed take: " << failedFrames
              << " frames in every file, master = posts' sum at lag " << lag << "\n";
    EXPECT_GE(lag, 0) << "the failed take's master is not its posts' sum: misaligned";
    std::filesystem::remove_all(full); // room for the next takes

    for (int k = 0; k < 3; ++k) {
        lo_message next = lo_message_new();
        lo_message_add_string(next, ("after" + std::to_string(k)).c_str());
        d.osc->send("/record/start", next);
        auto reply = d.osc->receive(5s);
        while (reply && reply->address == "/record/status/source")
            reply = d.osc->receive(5s);
        ASSERT_TRUE(reply);
        ASSERT_EQ(reply->address, "/record/started") << reply->text(1);
        // A second of audio by the daemon's own count, nothing dropped on the way.
        auto during = waitForStatus(
            *d.osc, [](const RecordStatus& s) { return s.state != "recording" || s.seconds >= 1.0; });
        ASSERT_TRUE(during) << "no /record/status answer";
        ASSERT_EQ(during->state, "recording") << during->lastError;
        ASSERT_GE(during->seconds, 1.0);
        EXPECT_EQ(during->dropped, 0) << "take " << k;
        for (const auto& [id, dropped] : during->sourceDropped)
            EXPECT_EQ(dropped, 0) << id << " in take " << k;
        auto stopped = d.osc->request("/record/stop", 10s);
        while (stopped && stopped->address == "/record/status/source")
            stopped = d.osc->receive(5s);
        ASSERT_TRUE(stopped);
        ASSERT_EQ(stopped->address, "/record/stopped") << stopped->text(1);

        const auto take = onlyTake(takes);
        ASSERT_FALSE(take.empty());
        const YAML::Node manifest = YAML::LoadFile((take / "take.yaml").string());
        EXPECT_EQ(manifest["ended"].as<std::string>(), "stopped");
        EXPECT_EQ(manifest["dropped_frames"].as<std::uint64_t>(), 0u) << "take " << k;
        for (const auto& source : manifest["sources"])
            EXPECT_EQ(source["dropped_frames"].as<std::uint64_t>(), 0u)
                << source["id"].as<std::string>() << " in take " << k;
        const auto [takeLag, frames] = expectOneLengthAndAligned(take);
        std::cout << "[ disk full ] take " << k << " after it: " << frames << " frames in every file, lag " << takeLag
                  << "\n";
        EXPECT_GE(frames, 48000);
        EXPECT_GE(takeLag, 0) << "take " << k << ": the master is not the posts' sum: a post is shifted";
        if (lag >= 0) {
            EXPECT_EQ(takeLag, lag) << "take " << k << ": not the lag of the take that failed";
        }
        std::filesystem::remove_all(take);
    }
    EXPECT_TRUE(d.process->running());
}
