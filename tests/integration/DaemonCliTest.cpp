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
