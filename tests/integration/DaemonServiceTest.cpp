// SPDX-License-Identifier: GPL-3.0-or-later
// backlined under a service manager, end to end: systemd's notify protocol (READY, STATUS,
// RELOADING, STOPPING and the watchdog, spoken to a socket of the test's own as systemd would
// listen), a watchdog that goes quiet when the audio thread stalls, and a start before the
// JACK server is up (--wait-jack).
#include "LiveDaemon.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// The service manager's end of NOTIFY_SOCKET: a datagram socket of its own, each datagram
/// one notification ("READY=1\nSTATUS=…").
class NotifySocket {
public:
    explicit NotifySocket(const std::filesystem::path& path)
        : path_(path)
    {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path.c_str());
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0)
            throw std::runtime_error("cannot bind the notify socket " + path.string());
    }
    ~NotifySocket() { ::close(fd_); }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    /// The environment that makes backlined speak to it, pinging a watchdog of interval.
    std::vector<std::string> launcher(std::chrono::microseconds interval, std::vector<std::string> more = {}) const
    {
        std::vector<std::string> env {"env", "NOTIFY_SOCKET=" + path_.string(),
            "WATCHDOG_USEC=" + std::to_string(interval.count())};
        env.insert(env.end(), more.begin(), more.end());
        return env;
    }

    /// The next notification, waiting up to timeout.
    std::optional<std::string> receive(std::chrono::milliseconds timeout)
    {
        timeval tv {long(timeout.count() / 1000), long(timeout.count() % 1000) * 1000};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        char buffer[4096];
        const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
        if (n <= 0)
            return std::nullopt;
        return std::string(buffer, std::size_t(n));
    }

    /// Notifications until one contains what (returned), or timeout; the ones before it are
    /// kept in seen.
    std::optional<std::string> waitFor(const std::string& what, std::chrono::milliseconds timeout,
        std::vector<std::string>* seen = nullptr)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            auto message = receive(std::max(left, 1ms));
            if (!message)
                continue;
            if (message->find(what) != std::string::npos)
                return message;
            if (seen)
                seen->push_back(*message);
        }
        return std::nullopt;
    }

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

constexpr auto watchdogInterval = std::chrono::microseconds(400'000);

/// Whether process's output says text within timeout (looking every 50 ms; false at once when
/// it exits without saying it).
bool says(Process& process, const std::string& text, std::chrono::milliseconds timeout = 20s)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (process.output().find(text) == std::string::npos && process.running()
        && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    return process.output().find(text) != std::string::npos;
}

} // namespace

TEST(DaemonService, TellsSystemdWhenItPlaysReloadsAndStopsWithAStatusLineAndPingsTheWatchdog)
{
    TempDir sockets;
    NotifySocket notify(sockets.path() / "notify");
    LiveDaemon d(toneSessionYaml, notify.launcher(watchdogInterval));

    const auto ready = notify.waitFor("READY=1", 20s);
    ASSERT_TRUE(ready) << d.process->output();
    // The status line names the session and says what the transport does.
    EXPECT_NE(ready->find("STATUS='it': stopped"), std::string::npos) << *ready;
    EXPECT_NE(ready->find(" xrun"), std::string::npos) << *ready; // "0 xruns", "1 xrun": a busy machine's

    std::vector<std::string> seen;
    for (int pings = 0; pings < 3; ++pings)
        ASSERT_TRUE(notify.waitFor("WATCHDOG=1", 10s, &seen)) << "ping " << pings + 1 << " did not come:\n"
                                                              << d.process->output();

    // A reload over OSC is framed by RELOADING=1 and READY=1, as systemd's reload wants.
    d.osc->send("/session/reload");
    ASSERT_TRUE(notify.waitFor("RELOADING=1", 20s)) << d.process->output();
    const auto readyAgain = notify.waitFor("READY=1", 20s);
    ASSERT_TRUE(readyAgain) << d.process->output();
    EXPECT_NE(readyAgain->find("STATUS='it'"), std::string::npos) << *readyAgain;

    // The transport rolling shows in the status line (sent once a second when it changed).
    d.osc->send("/transport/play");
    ASSERT_TRUE(notify.waitFor("STATUS='it': rolling", 10s)) << d.process->output();

    d.process->signal(SIGTERM);
    EXPECT_TRUE(notify.waitFor("STOPPING=1", 20s)) << d.process->output();
    EXPECT_EQ(d.process->wait(20s), 0) << d.process->output();
}

TEST(DaemonService, StopsPingingTheWatchdogOnceTheAudioThreadStalls)
{
    TempDir sockets;
    NotifySocket notify(sockets.path() / "notify");
    // The test hook stops the audio thread for good 1.5 s after the session plays.
    LiveDaemon d(toneSessionYaml, notify.launcher(watchdogInterval, {"BACKLINE_TEST_STALL_AUDIO=1.5"}));
    ASSERT_TRUE(notify.waitFor("READY=1", 20s)) << d.process->output();
    ASSERT_TRUE(notify.waitFor("WATCHDOG=1", 10s)) << "no ping while the audio ran:\n" << d.process->output();

    // Wait for the stall (the log says when), then give a ping already due at that moment half
    // an interval to come.
    // The pings before it are read meanwhile, so that only those after it are left.
    const auto stallDeadline = std::chrono::steady_clock::now() + 20s;
    while (d.process->output().find("BACKLINE_TEST_STALL_AUDIO: stopping") == std::string::npos
        && std::chrono::steady_clock::now() < stallDeadline)
        notify.receive(50ms);
    ASSERT_NE(d.process->output().find("BACKLINE_TEST_STALL_AUDIO: stopping"), std::string::npos) << d.process->output();
    notify.waitFor("WATCHDOG=1", 300ms);

    // From then on: not one ping over ten intervals, though the daemon is up and its main
    // thread runs (it still answers OSC).
    std::vector<std::string> after;
    EXPECT_FALSE(notify.waitFor("WATCHDOG=1", 4s, &after)) << "the watchdog was pinged with the audio thread stuck:\n"
                                                           << d.process->output();
    EXPECT_TRUE(d.osc->waitForPong(5s)) << "the main thread should be unaffected:\n" << d.process->output();
    d.process->signal(SIGKILL); // a thread stuck in JACK's callback keeps a clean stop from ending
    d.process->wait(10s);
}

TEST(DaemonService, WaitsForAJackServerThatComesUpAfterIt)
{
    JackServer jack;
    jack.stop(SIGTERM); // its name is this test's, with no server behind it yet
    TempDir dir;
    const auto session = dir.write("session.yaml", toneSessionYaml);
    const int oscPort = freeOscPort();
    Process daemon({backlinedPath().string(), "--session", session.string(), "--jack-server", jack.name(),
                       "--osc-port", std::to_string(oscPort), "--cache-dir", (dir.path() / "cache").string(),
                       "--wait-jack", "60"},
        dir.path() / "backlined.log");

    // It waits (and says so) rather than exit with "no JACK".
    ASSERT_TRUE(says(daemon, "waiting for JACK server")) << daemon.output();
    std::this_thread::sleep_for(1s);
    ASSERT_TRUE(daemon.running()) << daemon.output();

    jack.restart();
    const auto up = std::chrono::steady_clock::now();
    OscClient osc(oscPort);
    bool answered = false;
    while (!answered && daemon.running() && std::chrono::steady_clock::now() < up + 30s)
        answered = osc.waitForPong(500ms);
    ASSERT_TRUE(answered) << daemon.output();
    JackListener listener(jack.name(), "backline:out_L", "backline:out_R");
    auto [left, right] = listener.capture(300ms);
    // The tone track: a -20 dBFS sine panned centre.
    EXPECT_NEAR(rmsDb(left), -26.02, 0.5) << daemon.output();
    std::printf("[ measure ] played %.2f s after jackd came up (polling every 250 ms; the issue's bound, 2 s, is a "
                "benchmark's to hold)\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - up).count());
}

TEST(DaemonService, GivesUpWaitingForJackAfterTheTimeGivenWithTheJackExitCode)
{
    JackServer jack;
    jack.stop(SIGTERM);
    TempDir dir;
    const auto session = dir.write("session.yaml", toneSessionYaml);
    Process daemon({backlinedPath().string(), "--session", session.string(), "--jack-server", jack.name(),
                       "--osc-port", std::to_string(freeOscPort()), "--wait-jack", "1"},
        dir.path() / "backlined.log");
    EXPECT_EQ(daemon.wait(30s), 3) << daemon.output();
    EXPECT_NE(daemon.output().find("waited 1 s for it"), std::string::npos) << daemon.output();
}

TEST(DaemonService, AStopSignalWhileWaitingForJackEndsItCleanly)
{
    JackServer jack;
    jack.stop(SIGTERM);
    TempDir dir;
    const auto session = dir.write("session.yaml", toneSessionYaml);
    Process daemon({backlinedPath().string(), "--session", session.string(), "--jack-server", jack.name(),
                       "--osc-port", std::to_string(freeOscPort()), "--wait-jack"},
        dir.path() / "backlined.log");
    ASSERT_TRUE(says(daemon, "for as long as it takes")) << daemon.output();
    daemon.signal(SIGTERM);
    EXPECT_EQ(daemon.wait(10s), 0) << daemon.output();
}

TEST(DaemonService, WritesEachLineWithItsSyslogPriorityWhenStderrIsTheJournal)
{
    TempDir dir;
    const auto session = dir.write("session.yaml", "backline: 1\nname: it\ntracks: {not: a list}\n");
    // The file backlined writes to, made first so the test knows its device and inode: systemd
    // names the journal's stream in JOURNAL_STREAM the same way.
    const auto log = dir.write("journal.log", "");
    struct stat st {};
    ASSERT_EQ(::stat(log.c_str(), &st), 0);
    const std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    Process journal({"env", "JOURNAL_STREAM=" + stream, backlinedPath().string(), "--session", session.string()}, log);
    EXPECT_EQ(journal.wait(30s), 2) << journal.output();
    // Priority 3 (error) first, no time stamp (the journal keeps its own), one line per message.
    EXPECT_EQ(journal.output().rfind("<3>", 0), 0u) << journal.output();
    EXPECT_EQ(journal.output().find("error "), std::string::npos) << journal.output();

    // Another stream (a unit whose stderr goes to a file, a child of a service): plain lines.
    Process plain({"env", "JOURNAL_STREAM=1:2", backlinedPath().string(), "--session", session.string()},
        dir.path() / "plain.log");
    EXPECT_EQ(plain.wait(30s), 2) << plain.output();
    EXPECT_EQ(plain.output().find("<3>"), std::string::npos) << plain.output();
    EXPECT_NE(plain.output().find(" error "), std::string::npos) << plain.output();
}

namespace {

const char* sceneSessionYaml = R"(backline: 1
name: it
tracks:
  - name: tone
    dsp: tone
    params: {freq: 1000, level: -20}
scenes:
  quiet: {/track/tone/gain: -20}
)";

/// Sends address with one string argument and returns the first reply.
std::optional<OscMessage> requestText(OscClient& osc, const std::string& address, const std::string& text)
{
    lo_message m = lo_message_new();
    lo_message_add_string(m, text.c_str());
    osc.send(address, m);
    return osc.receive(5s);
}

/// Starts backlined on session (a file a first run used) on server, and waits for /pong.
std::unique_ptr<Process> startAgain(const std::filesystem::path& session, const std::string& server, int oscPort,
    const std::filesystem::path& log, std::vector<std::string> more = {})
{
    std::vector<std::string> argv {backlinedPath().string(), "--session", session.string(), "--jack-server", server,
        "--osc-port", std::to_string(oscPort), "--cache-dir", (session.parent_path() / "cache").string()};
    argv.insert(argv.end(), more.begin(), more.end());
    auto process = std::make_unique<Process>(argv, log);
    OscClient osc(oscPort);
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline && process->running())
        if (osc.waitForPong(1s))
            return process;
    throw std::runtime_error("backlined did not come back:\n" + process->output());
}

} // namespace

TEST(DaemonService, KilledAndStartedAgainItComesBackWithEveryValueTheSceneAndTheTempo)
{
    LiveDaemon d(sceneSessionYaml);
    d.osc->sendFloat("/master/gain", -3.0f);
    auto recalled = requestText(*d.osc, "/scene/recall", "quiet");
    ASSERT_TRUE(recalled && recalled->address == "/scene/recalled") << d.process->output();
    d.osc->sendFloat("/transport/tempo", 133.0f);
    ASSERT_TRUE(d.osc->receiveAddress("/transport/tempo")) << d.process->output();
    ASSERT_EQ(d.osc->request("/master/gain")->number(0), -3.0f);

    // The state is kept within a second of a change; wait until the file holds it.
    const auto stateFile = d.session.parent_path() / ".session.yaml.state";
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    auto holds = [&] {
        std::ifstream in(stateFile);
        std::stringstream text;
        text << in.rdbuf();
        const std::string s = text.str();
        return s.find("\"/master/gain\", -3") != std::string::npos && s.find("name: \"quiet\"") != std::string::npos
            && s.find("bpm: 133") != std::string::npos;
    };
    while (!holds() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(holds()) << d.process->output();

    d.process->signal(SIGKILL); // a crash: nothing is written on the way out
    d.process->wait(10s);
    const int port = freeOscPort();
    auto again = startAgain(d.session, d.jack.name(), port, d.dir.path() / "again.log");
    OscClient osc(port);
    EXPECT_EQ(osc.request("/master/gain")->number(0), -3.0f) << again->output();
    EXPECT_EQ(osc.request("/track/tone/gain")->number(0), -20.0f) << again->output();
    auto current = osc.request("/scene/current");
    ASSERT_TRUE(current && current->address == "/scene/current") << again->output();
    EXPECT_EQ(current->text(0), "quiet");
    EXPECT_EQ(current->number(1), 0.0f) << "clean, as it was";
    auto tempo = osc.request("/transport/tempo");
    ASSERT_TRUE(tempo && tempo->address == "/transport/tempo");
    EXPECT_EQ(tempo->number(0), 133.0f);
    EXPECT_NE(again->output().find("coming back to the live state"), std::string::npos) << again->output();
    again->signal(SIGTERM);
    EXPECT_EQ(again->wait(20s), 0);

    // An installation that must always start from the file.
    auto fresh = startAgain(d.session, d.jack.name(), port, d.dir.path() / "fresh.log", {"--no-live-state"});
    EXPECT_EQ(osc.request("/master/gain")->number(0), 0.0f) << fresh->output();
    EXPECT_EQ(osc.request("/track/tone/gain")->number(0), 0.0f) << fresh->output();
    EXPECT_EQ(osc.request("/scene/current")->text(0), "");
}

TEST(DaemonService, ADamagedLiveStateIsSaidAndTheSessionStartsFromItsFile)
{
    LiveDaemon first(sceneSessionYaml);
    first.process->signal(SIGKILL);
    first.process->wait(10s);
    std::ofstream(first.session.parent_path() / ".session.yaml.state") << "backline_state: 1\nvalues: [[\"/master/gain\"\n";
    const int port = freeOscPort();
    auto again = startAgain(first.session, first.jack.name(), port, first.dir.path() / "again.log");
    OscClient osc(port);
    EXPECT_EQ(osc.request("/master/gain")->number(0), 0.0f) << again->output();
    EXPECT_NE(again->output().find(".session.yaml.state: "), std::string::npos) << again->output();
}
