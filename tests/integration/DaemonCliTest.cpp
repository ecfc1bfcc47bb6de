// SPDX-License-Identifier: GPL-3.0-or-later
// The backlined command line as a user meets it: bad sessions, no JACK, offline renders.
#include "Harness.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <sndfile.h>

#include <arpa/inet.h>
#include <atomic>
#include <cmath>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

struct Run {
    int code;
    std::string output;
};

Run runBacklined(const TempDir& dir, std::vector<std::string> args)
{
    args.insert(args.begin(), backlinedPath().string());
    Process p(args, dir.path() / "run.log");
    auto code = p.wait(60s);
    return {code.value_or(-1), p.output()};
}

/// A socket bound to port (0: a free one) on every IPv4 address, listening if it is TCP: another
/// program holding the port backlined wants.
class PortHolder {
public:
    PortHolder(int type, int port)
        : fd_(socket(AF_INET, type, 0))
    {
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_ANY);
        addr.sin_port = htons(std::uint16_t(port));
        socklen_t len = sizeof addr;
        bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0
            && (type != SOCK_STREAM || listen(fd_, 4) == 0)
            && getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
        port_ = ntohs(addr.sin_port);
    }
    ~PortHolder()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    PortHolder(const PortHolder&) = delete;
    PortHolder& operator=(const PortHolder&) = delete;
    bool bound() const { return bound_; }
    int port() const { return port_; }

private:
    int fd_;
    bool bound_ = false;
    int port_ = 0;
};

/// A JACK client that counts the clients whose name starts with "backline" registering on
/// server from now on, and looks for ports they left.
class BacklineClientWatch {
public:
    explicit BacklineClientWatch(const std::string& server)
    {
        jack_status_t status;
        client_ = jack_client_open("watch", JackOptions(JackNoStartServer | JackServerName), &status, server.c_str());
        if (!client_)
            throw std::runtime_error("cannot open a JACK client on " + server);
        jack_set_client_registration_callback(client_, &BacklineClientWatch::onClient, this);
        jack_activate(client_);
    }
    ~BacklineClientWatch()
    {
        jack_deactivate(client_);
        jack_client_close(client_);
    }
    BacklineClientWatch(const BacklineClientWatch&) = delete;
    BacklineClientWatch& operator=(const BacklineClientWatch&) = delete;

    int registered() const { return registered_.load(); }
    /// The ports of clients named backline… on the server now, one per line.
    std::string portsLeft() const
    {
        std::string names;
        if (const char** ports = jack_get_ports(client_, "^backline", nullptr, 0)) {
            for (int i = 0; ports[i]; ++i)
                names += std::string(ports[i]) + "\n";
            jack_free(ports);
        }
        return names;
    }

private:
    static void onClient(const char* name, int registering, void* self)
    {
        if (registering && std::strncmp(name, "backline", 8) == 0)
            static_cast<BacklineClientWatch*>(self)->registered_.fetch_add(1);
    }
    jack_client_t* client_ = nullptr;
    std::atomic<int> registered_ {0};
};

/// Starts backlined on a live JACK server with its OSC port taken; checks that it exits with
/// code 4 within a few seconds, naming the port and the protocol, and that it never so much as
/// opened a JACK client (a second backlined started by mistake must not play into the PA, even
/// for a moment, nor leave ports behind).
void expectOscPortTakenExit(const std::string& protocol, int port)
{
    JackServer jack;
    BacklineClientWatch watch(jack.name());
    TempDir dir;
    auto session = dir.write("s.yaml", "backline: 1\ntracks:\n  - name: tone\n    dsp: tone\n");
    const auto started = std::chrono::steady_clock::now();
    auto r = runBacklined(dir, {"--session", session.string(), "--jack-server", jack.name(), "--osc-port",
                                   std::to_string(port), "--cache-dir", (dir.path() / "cache").string()});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.code, 4) << r.output;
    EXPECT_LT(seconds, 5.0) << r.output;
    EXPECT_NE(r.output.find(protocol + " port " + std::to_string(port)), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--osc-port"), std::string::npos) << r.output;
    EXPECT_EQ(watch.registered(), 0) << "backlined opened a JACK client before finding its OSC port taken:\n" << r.output;
    EXPECT_EQ(watch.portsLeft(), "");
}

} // namespace

TEST(DaemonCli, OscUdpPortTakenExitsWithCode4NamingThePortAndLeavesJackAlone)
{
    PortHolder udp(SOCK_DGRAM, 0);
    ASSERT_TRUE(udp.bound());
    expectOscPortTakenExit("UDP", udp.port());
}

TEST(DaemonCli, OscTcpPortTakenExitsWithCode4NamingThePortAndLeavesJackAlone)
{
    // backlined listens on UDP and TCP under one number: take only TCP's, on a number whose UDP
    // port is free.
    for (int attempt = 0; attempt < 20; ++attempt) {
        PortHolder tcp(SOCK_STREAM, 0);
        ASSERT_TRUE(tcp.bound());
        if (!PortHolder(SOCK_DGRAM, tcp.port()).bound())
            continue;
        expectOscPortTakenExit("TCP", tcp.port());
        return;
    }
    FAIL() << "found no TCP port whose UDP twin is free";
}

TEST(DaemonCli, YamlSyntaxErrorExitsNonZeroWithFileLineColumn)
{
    TempDir dir;
    auto file = dir.write("bad.yaml", "backline: 1\ntracks:\n  - name: [unclosed\n");
    auto r = runBacklined(dir, {"--session", file.string(), "--jack-server", "none-needed"});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("bad.yaml:"), std::string::npos) << r.output;
}

TEST(DaemonCli, UnknownKeyExitsNonZeroWithFileLineColumn)
{
    TempDir dir;
    auto file = dir.write("typo.yaml", "backline: 1\ntracks:\n  - name: a\n    gian: -3\n");
    auto r = runBacklined(dir, {"--session", file.string()});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("typo.yaml:4:5"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("gian"), std::string::npos) << r.output;
}

TEST(DaemonCli, BrokenDspExitsNonZeroWithTheSessionPositionAndFaustsMessage)
{
    TempDir dir;
    dir.write("broken.dsp", "import(\"stdfaust.lib\");\nprocess = os.osc(440) : nonexistent_fn;\n");
    auto file = dir.write("s.yaml", "backline: 1\ntracks:\n  - name: a\n    dsp: broken.dsp\n");
    // Offline, so the check needs no JACK server and the exit comes from the DSP alone.
    auto r = runBacklined(dir, {"--session", file.string(), "--render", (dir.path() / "o.wav").string(), "--no-cache"});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("s.yaml:4:10"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("broken.dsp"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nonexistent_fn"), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "o.wav"));
}

TEST(DaemonCli, MissingJackServerExitsNonZeroWithAClearMessage)
{
    TempDir dir;
    auto file = dir.write("s.yaml", "backline: 1\ntracks: []\n");
    auto r = runBacklined(dir, {"--session", file.string(), "--jack-server", "no_such_server_here"});
    EXPECT_EQ(r.code, 3) << r.output;
    EXPECT_NE(r.output.find("cannot connect to JACK server 'no_such_server_here'"), std::string::npos) << r.output;
}

TEST(DaemonCli, MissingSessionFileExitsNonZeroNamingIt)
{
    TempDir dir;
    auto r = runBacklined(dir, {"--session", (dir.path() / "nope.yaml").string()});
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("nope.yaml"), std::string::npos) << r.output;
}

TEST(DaemonCli, HelpAndVersionExitZero)
{
    TempDir dir;
    auto help = runBacklined(dir, {"--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.output.find("--jack-server"), std::string::npos);
    auto version = runBacklined(dir, {"--version"});
    EXPECT_EQ(version.code, 0);
    EXPECT_NE(version.output.find("backlined"), std::string::npos);
}

TEST(DaemonCli, RenderWritesTheMasterOutputWithoutJack)
{
    TempDir dir;
    auto file = dir.write("s.yaml", "backline: 1\nsample_rate: 44100\ntracks:\n  - name: t\n    dsp: tone\n"
                                    "    params: {level: -20}\n    gain: -6\n    pan: -1\n");
    const auto out = dir.path() / "out.wav";
    auto r = runBacklined(dir, {"--session", file.string(), "--render", out.string(), "--duration", "2"});
    ASSERT_EQ(r.code, 0) << r.output;
    SF_INFO info {};
    SNDFILE* f = sf_open(out.c_str(), SFM_READ, &info);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(info.samplerate, 44100);
    EXPECT_EQ(info.channels, 2);
    EXPECT_EQ(info.frames, 88200);
    std::vector<float> interleaved(std::size_t(info.frames) * 2);
    sf_readf_float(f, interleaved.data(), info.frames);
    sf_close(f);
    std::vector<float> left, right;
    for (std::size_t i = std::size_t(info.frames) / 2; i < std::size_t(info.frames); ++i) {
        left.push_back(interleaved[2 * i]);
        right.push_back(interleaved[2 * i + 1]);
    }
    EXPECT_NEAR(rmsDb(left), -29.03, 0.05);
    EXPECT_LT(peakDb(right), -120.0);
}

TEST(DaemonCli, RenderFeedsTrackInputsFromTheFilesTheSessionNames)
{
    TempDir dir;
    const auto in = dir.path() / "in.wav";
    SF_INFO info {};
    info.samplerate = 48000;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open(in.c_str(), SFM_WRITE, &info);
    auto signal = sine(48000, 440.0, 48000.0, 0.25);
    sf_writef_float(f, signal.data(), sf_count_t(signal.size()));
    sf_close(f);
    auto file = dir.write("s.yaml", "backline: 1\ntracks:\n  - name: t\n    input_file: in.wav\n    pan: 1\n");
    const auto out = dir.path() / "out.wav";
    auto r = runBacklined(dir, {"--session", file.string(), "--render", out.string(), "--duration", "1"});
    ASSERT_EQ(r.code, 0) << r.output;
    SF_INFO outInfo {};
    SNDFILE* o = sf_open(out.c_str(), SFM_READ, &outInfo);
    ASSERT_NE(o, nullptr);
    std::vector<float> interleaved(std::size_t(outInfo.frames) * 2);
    sf_readf_float(o, interleaved.data(), outInfo.frames);
    sf_close(o);
    std::vector<float> right;
    for (std::size_t i = 24000; i < std::size_t(outInfo.frames); ++i)
        right.push_back(interleaved[2 * i + 1]);
    EXPECT_NEAR(toneDb(right, 440.0, 48000.0), 20.0 * std::log10(0.25), 0.1);
}

namespace {

/// The left channel of an audio file and its sample rate (0: it did not open).
struct Rendered {
    int sampleRate = 0;
    std::vector<float> left;
};

Rendered readLeft(const std::filesystem::path& file)
{
    SF_INFO info {};
    SNDFILE* f = sf_open(file.c_str(), SFM_READ, &info);
    if (!f)
        return {};
    std::vector<float> interleaved(std::size_t(info.frames) * std::size_t(info.channels));
    sf_readf_float(f, interleaved.data(), info.frames);
    sf_close(f);
    Rendered out {info.samplerate, std::vector<float>(std::size_t(info.frames))};
    for (std::size_t i = 0; i < out.left.size(); ++i)
        out.left[i] = interleaved[i * std::size_t(info.channels)];
    return out;
}

/// A DC track whose level each scene sets, and song "four": 2 bars of 4/4 at 120 BPM, 2 bars of
/// 3/4, 1 bar of 4/4 at 90 BPM and 1 more, each section recalling its own level. Its bars begin
/// on frames 0, 192,000, 336,000 and 464,000 at 48 kHz, and it ends on 592,000 (12.333 s).
/// Song "round" loops; "halt" stops after its first section.
const std::string fourSectionSession = "backline: 1\ntracks:\n  - {name: dc, dsp: " BACKLINE_TEST_DATA_DIR
                                       "/faust/dc_level.dsp, params: {level: 0.05}}\n"
                                       "scenes:\n"
                                       "  one: {/track/dc/dsp/level: 0.1}\n"
                                       "  two: {/track/dc/dsp/level: 0.2}\n"
                                       "  three: {/track/dc/dsp/level: 0.3}\n"
                                       "  four: {/track/dc/dsp/level: 0.15}\n"
                                       "songs:\n"
                                       "  - name: four\n    tempo: 120\n    meter: [4, 4]\n    sections:\n"
                                       "      - {name: a, bars: 2, scene: one}\n"
                                       "      - {name: b, bars: 2, scene: two, meter: [3, 4]}\n"
                                       "      - {name: c, bars: 1, scene: three, tempo: 90, meter: [4, 4]}\n"
                                       "      - {name: d, bars: 1, scene: four}\n"
                                       "  - name: round\n    sections:\n"
                                       "      - {name: intro, bars: 1, scene: one}\n"
                                       "      - {name: vamp, bars: 1, scene: two, then: goto intro}\n"
                                       "  - name: halt\n    sections:\n"
                                       "      - {name: first, bars: 1, scene: one, then: stop}\n"
                                       "      - {name: never, bars: 1, scene: two}\n"
                                       "setlist: [round]\n";

/// backlined --render out.wav on the four-section session, with args after.
Run renderSong(const TempDir& dir, std::vector<std::string> args)
{
    const auto session = dir.write("gig.yaml", fourSectionSession);
    args.insert(args.begin(), {"--session", session.string(), "--render", (dir.path() / "out.wav").string(),
                                  "--cache-dir", (dir.path() / "cache").string()});
    return runBacklined(dir, args);
}

} // namespace

TEST(DaemonCli, RenderingASongPutsEverySceneChangeOnItsBarsFirstSampleAndEndsAfterItsTail)
{
    TempDir dir;
    // "four" is not in the setlist: a band previews any song of the session.
    auto r = renderSong(dir, {"--song", "four"});
    ASSERT_EQ(r.code, 0) << r.output;
    const auto out = readLeft(dir.path() / "out.wav");
    ASSERT_EQ(out.sampleRate, 48000);
    const auto changes = edges(out.left);
    ASSERT_EQ(changes.size(), 4u) << "the first scene, then three changes:\n" << r.output;
    // The master's limiter delays everything by its lookahead: the first scene, recalled on the
    // file's first sample, sounds after it, and so does every change.
    const std::size_t latency = changes[0];
    EXPECT_LT(latency, 1000u);
    EXPECT_EQ(changes[1] - latency, 192000u) << "b: bar 3, after 2 bars of 4/4 at 120 BPM";
    EXPECT_EQ(changes[2] - latency, 336000u) << "c: bar 5, after 2 bars of 3/4";
    EXPECT_EQ(changes[3] - latency, 464000u) << "d: bar 6, after a bar of 4/4 at 90 BPM";
    EXPECT_EQ(out.left.size(), 592000u + 96000u) << "the song's 12.333 s and the default 2 s tail";
    EXPECT_NE(r.output.find("song 'four': a at bar 1 (0.000 s), b at bar 3 (4.000 s), c at bar 5 (7.000 s), d at bar "
                            "6 (9.667 s); ends after bar 6 (12.333 s)"),
        std::string::npos)
        << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out.wav.partial"));
}

TEST(DaemonCli, ASongThatStopsEndsTheRenderThereAndTheTailIsAsAsked)
{
    TempDir dir;
    auto r = renderSong(dir, {"--song", "halt", "--tail", "0.5"});
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(readLeft(dir.path() / "out.wav").left.size(), 96000u + 24000u) << "one bar, then half a second";
    EXPECT_NE(r.output.find("song 'halt': first at bar 1 (0.000 s); ends after bar 1 (2.000 s)"), std::string::npos)
        << r.output;
}

TEST(DaemonCli, ASongThatNeverEndsRendersOnlyForTheDurationAsked)
{
    TempDir dir;
    auto refused = renderSong(dir, {"--song", "round"});
    EXPECT_EQ(refused.code, 1) << refused.output;
    EXPECT_NE(refused.output.find("song 'round' never ends by itself: section 'intro' plays again (a goto back); give "
                                  "--duration SECONDS"),
        std::string::npos)
        << refused.output;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out.wav"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out.wav.partial"));

    auto r = renderSong(dir, {"--song", "round", "--duration", "5"});
    ASSERT_EQ(r.code, 0) << r.output;
    const auto out = readLeft(dir.path() / "out.wav");
    EXPECT_EQ(out.left.size(), 240000u);
    const auto changes = edges(out.left);
    ASSERT_EQ(changes.size(), 3u) << "intro, vamp, intro again";
    EXPECT_EQ(changes[1] - changes[0], 96000u);
    EXPECT_EQ(changes[2] - changes[0], 2 * 96000u);
    EXPECT_NE(r.output.find("song 'round': intro at bar 1 (0.000 s), vamp at bar 2 (2.000 s), intro at bar 3 (4.000 "
                            "s); still playing where the render ends"),
        std::string::npos)
        << r.output;
}

TEST(DaemonCli, AnUnknownSongOrASongWithoutARenderIsRefusedWithNothingWritten)
{
    TempDir dir;
    auto unknown = renderSong(dir, {"--song", "fuor"});
    EXPECT_EQ(unknown.code, 1) << unknown.output;
    EXPECT_NE(unknown.output.find("no song 'fuor' in the session (did you mean 'four'?)"), std::string::npos)
        << unknown.output;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out.wav"));
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "out.wav.partial"));

    const auto session = dir.write("s.yaml", fourSectionSession);
    auto live = runBacklined(dir, {"--session", session.string(), "--song", "four"});
    EXPECT_NE(live.code, 0) << live.output;
    EXPECT_NE(live.output.find("--song requires --render"), std::string::npos) << live.output;
}

TEST(DaemonCli, TheExampleGigRendersEachOfItsSongsToItsEnd)
{
    TempDir dir;
    const std::string gig = std::string(BACKLINE_SOURCE_DIR) + "/sessions/gig.yaml";
    const auto out = dir.path() / "song.wav";
    // The opener's bridge goes to its outro, past the vamp a band only reaches by a jump; its
    // bar lines fall between frames (112 BPM), and its two bars of 3/4 are 3/4 from the first.
    auto opener = runBacklined(dir, {"--session", gig, "--render", out.string(), "--song", "opener"});
    ASSERT_EQ(opener.code, 0) << opener.output;
    EXPECT_NE(opener.output.find("song 'opener': intro at bar 1 (0.000 s), verse at bar 5 (8.571 s), chorus at bar 13 "
                                 "(25.714 s), bridge at bar 21 (42.857 s), outro at bar 23 (46.607 s); ends after bar 26 "
                                 "(55.179 s)"),
        std::string::npos)
        << opener.output;
    auto ballad = runBacklined(dir, {"--session", gig, "--render", out.string(), "--song", "ballad", "--tail", "0"});
    ASSERT_EQ(ballad.code, 0) << ballad.output;
    EXPECT_NE(ballad.output.find("song 'ballad': intro at bar 1 (0.000 s), verse at bar 3 (5.455 s), chorus at bar 11 "
                                 "(27.273 s), outro at bar 15 (38.182 s); ends after bar 16 (43.636 s)"),
        std::string::npos)
        << ballad.output;
    EXPECT_EQ(readLeft(out).left.size(), 2094546u)
        << "16 bars of 6/8 at 132 eighths a minute (2,094,545.45 frames: the next bar begins on the frame after), no tail";
}
