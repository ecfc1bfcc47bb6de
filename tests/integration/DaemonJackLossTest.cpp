// SPDX-License-Identifier: GPL-3.0-or-later
// The JACK server goes away under a playing backlined (killed, or shut down cleanly) and comes
// back under the same name: backlined stays up and answers OSC meanwhile, then rejoins it with
// its ports and connections and plays again at the level it played before, with the values set
// over OSC (before and during the outage) kept.
#include "LiveDaemon.h"
#include "PortLook.h"
#include "Signal.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <memory>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool addressSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool addressSanitized = true;
#else
constexpr bool addressSanitized = false;
#endif
#else
constexpr bool addressSanitized = false;
#endif

/// The tone session with a mono input track on the first capture port (silent on the dummy
/// backend), so that input ports and their connections have to come back too, and the master
/// as a record source (takes go to the session's folder). On two workers, so a lost server
/// also takes its worker threads, and a rejoin starts new ones.
const char* toneAndMicSessionYaml = R"(backline: 1
name: it
workers: 2
tracks:
  - name: tone
    dsp: tone
    params: {freq: 1000, level: -20}
  - name: mic
    inputs: [system:capture_1]
record:
  sources: [master]
)";

/// The tone track's level at the master outputs: a -20 dBFS sine (RMS -23.01 dB) panned centre
/// (-3 dB per side).
constexpr double toneRmsDb = -26.02;
constexpr double levelToleranceDb = 0.1;

/// Captures 300 ms at a time until the left channel's RMS is within tolerance of expected (a
/// change glides, a new client's first blocks may be cut short) or timeout passes; returns the
/// last level measured, for the test to assert on.
double levelWhenSettled(JackListener& listener, double expected, std::chrono::milliseconds timeout = 5s)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    double level = -400.0;
    do {
        auto [left, right] = listener.capture(300ms);
        if (left.size() < 4800) // less than 100 ms arrived: the clock stalled, measure again
            continue;
        level = rmsDb(left);
        if (std::fabs(level - expected) <= levelToleranceDb)
            break;
    } while (std::chrono::steady_clock::now() < deadline);
    return level;
}

/// Polls (every 100 ms, up to timeout) until backlined's ports exist on server and are connected
/// as the session says: out_L/out_R to the first two playback ports, mic_in from capture_1.
bool waitUntilRejoined(const std::string& server, std::chrono::milliseconds timeout)
{
    // One look client, kept once it opens: opening and closing one every 100 ms while the server
    // comes back once left jack_client_close waiting on a libjack mutex forever (a hunt under
    // load). An open that fails holds no client, so only the kept one is ever closed.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_ptr<PortLook> look;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!look || !look->open())
            look = std::make_unique<PortLook>(server);
        if (look->open() && look->connected("backline:out_L", "system:playback_1")
            && look->connected("backline:out_R", "system:playback_2") && look->connected("backline:mic_in", "system:capture_1"))
            return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

/// The /status reply's positional message (the per-field ones that follow are skipped).
std::optional<OscMessage> status(OscClient& osc)
{
    auto reply = osc.request("/status");
    while (reply && reply->address != "/status")
        reply = osc.receive(); // a /status/… field of an earlier request
    while (reply && osc.receive(100ms)) // the per-field messages that follow the bundle's first
        ;
    return reply;
}

/// The /status reply's buffer size field: 0 while backlined is not connected to JACK.
std::optional<float> statusBufferSize(OscClient& osc)
{
    const auto reply = status(osc);
    return reply ? std::optional<float>(reply->number(2)) : std::nullopt;
}

/// Polls /status (up to timeout) until its recording field says state; returns the last said.
std::string waitForRecordingState(OscClient& osc, const std::string& state, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string said;
    while (std::chrono::steady_clock::now() < deadline) {
        if (const auto reply = status(osc))
            said = reply->text(10);
        if (said == state)
            break;
        std::this_thread::sleep_for(100ms);
    }
    return said;
}

/// Polls /status (up to timeout) until its buffer size is size.
bool waitForBufferSize(OscClient& osc, float size, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (statusBufferSize(osc) == size)
            return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

/// Sets address to value over OSC and reads it back.
std::optional<float> setAndGet(OscClient& osc, const std::string& address, float value)
{
    osc.sendFloat(address, value);
    auto reply = osc.request(address);
    if (!reply || reply->address != address)
        return std::nullopt;
    return reply->number(0);
}

/// Sends n changes of address in bundles of at most 990 messages from a client of its own (the
/// server's rate limit is per client), each bundle followed by a /ping whose /pong says the
/// server has handled it. False when a /pong does not come.
bool sendChangesInBundles(int port, const std::string& address, int n)
{
    OscClient client(port);
    for (int sent = 0; sent < n;) {
        std::vector<std::pair<std::string, lo_message>> bundle;
        for (int i = 0; i < 990 && sent < n; ++i, ++sent) {
            lo_message m = lo_message_new();
            lo_message_add_float(m, sent % 2 ? -20.0f : -5.0f);
            bundle.emplace_back(address, m);
        }
        client.sendBundle(bundle);
        if (!client.waitForPong(5s))
            return false;
    }
    return true;
}

/// The master meter's left RMS from a one-shot /meters reading, or nullopt.
std::optional<float> masterRmsDb(OscClient& osc)
{
    osc.send("/meters");
    std::optional<float> rms;
    while (auto m = osc.receive(500ms)) {
        if (m->address == "/meters/master")
            rms = m->number(2);
        if (m->address == "/meters/loudness")
            break; // the reading's last message
    }
    return rms;
}

} // namespace

TEST(DaemonJackLoss, AKilledServerIsRejoinedWhenItComesBackAndTheSoundReturnsAtItsLevel)
{
    LiveDaemon d(toneAndMicSessionYaml);
    double before = 0.0;
    {
        JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
        before = levelWhenSettled(listener, toneRmsDb);
    }
    ASSERT_NEAR(before, toneRmsDb, levelToleranceDb);

    d.jack.stop(SIGKILL); // as if jackd crashed: nobody is told, its socket just closes

    // backlined notices, stays up and answers OSC all along, its reconnect attempts (four a
    // second) included; a reload or a take asked for meanwhile is refused at once rather than
    // left waiting for the server.
    ASSERT_TRUE(waitForBufferSize(*d.osc, 0.0f, 10s))
        << "backlined did not notice JACK went away; its threads:\n" << threadStates(d.process->pid()) << "its log:\n"
        << d.process->output();
    const auto awayUntil = std::chrono::steady_clock::now() + 3500ms;
    int pongs = 0;
    while (std::chrono::steady_clock::now() < awayUntil) {
        ASSERT_TRUE(d.osc->waitForPong(2s)) << "no /pong while JACK was away:\n" << d.process->output();
        ASSERT_TRUE(d.process->running()) << d.process->output();
        ++pongs;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_GE(pongs, 10);
    auto reload = d.osc->request("/session/reload", 2s);
    ASSERT_TRUE(reload) << "/session/reload went unanswered while JACK was away";
    EXPECT_EQ(reload->address, "/error");
    EXPECT_NE(reload->text(1).find("not connected to JACK"), std::string::npos) << reload->text(1);
    auto take = d.osc->request("/record/start", 2s);
    ASSERT_TRUE(take) << "/record/start went unanswered while JACK was away";
    EXPECT_EQ(take->address, "/error");
    EXPECT_NE(take->text(1).find("JACK is away"), std::string::npos) << take->text(1);
    EXPECT_TRUE(d.process->running()) << d.process->output();

    d.jack.restart();

    ASSERT_TRUE(waitUntilRejoined(d.jack.name(), 10s)) << "backlined did not rejoin the restarted server:\n"
                                                       << d.process->output();
    EXPECT_TRUE(waitForBufferSize(*d.osc, 128.0f, 5s));
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    const double after = levelWhenSettled(listener, before);
    EXPECT_NEAR(after, before, levelToleranceDb) << d.process->output();
    auto [left, right] = listener.capture(300ms);
    EXPECT_NEAR(rmsDb(right), before, levelToleranceDb);
    EXPECT_TRUE(d.osc->waitForPong(2s));
}

TEST(DaemonJackLoss, ATakeOpenWhenTheServerGoesIsSuspendedMeanwhileAndGoesOnInASecondSegment)
{
    LiveDaemon d(toneAndMicSessionYaml);
    auto take = d.osc->request("/record/start", 5s);
    ASSERT_TRUE(take && take->address == "/record/started") << d.process->output();
    const std::filesystem::path folder = take->text(0);
    EXPECT_EQ(waitForRecordingState(*d.osc, "recording", 5s), "recording");

    d.jack.stop(SIGKILL);
    ASSERT_TRUE(waitForBufferSize(*d.osc, 0.0f, 10s)) << d.process->output();
    // Not "recording": nothing is being written while JACK is away; the take is open.
    EXPECT_EQ(waitForRecordingState(*d.osc, "suspended", 5s), "suspended") << d.process->output();
    auto record = d.osc->request("/record/status");
    ASSERT_TRUE(record && record->address == "/record/status");
    EXPECT_EQ(record->text(0), "suspended");

    d.jack.restart();
    ASSERT_TRUE(waitUntilRejoined(d.jack.name(), 10s)) << d.process->output();
    EXPECT_EQ(waitForRecordingState(*d.osc, "recording", 10s), "recording") << d.process->output();
    auto stopped = d.osc->request("/record/stop", 10s);
    ASSERT_TRUE(stopped && stopped->address == "/record/stopped") << d.process->output();
    EXPECT_EQ(waitForRecordingState(*d.osc, "idle", 5s), "idle");
    const YAML::Node manifest = YAML::LoadFile((folder / "take.yaml").string());
    EXPECT_EQ(manifest["segments"].size(), 2u) << "one segment before the server went, one after";
}

TEST(DaemonJackLoss, ValuesSetOverOscBeforeAndWhileTheServerIsAwayAreKeptAfterTheReconnect)
{
    LiveDaemon d(toneAndMicSessionYaml);
    double withMaster = 0.0;
    {
        JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
        ASSERT_EQ(setAndGet(*d.osc, "/master/gain", -3.0f), -3.0f);
        withMaster = levelWhenSettled(listener, toneRmsDb - 3.0);
    }
    ASSERT_NEAR(withMaster, toneRmsDb - 3.0, levelToleranceDb);

    d.jack.stop(SIGTERM); // a clean shutdown: JACK tells its clients
    ASSERT_TRUE(waitForBufferSize(*d.osc, 0.0f, 10s)) << d.process->output();
    EXPECT_EQ(setAndGet(*d.osc, "/track/tone/gain", -10.0f), -10.0f);
    EXPECT_TRUE(d.process->running()) << d.process->output();

    d.jack.restart();

    ASSERT_TRUE(waitUntilRejoined(d.jack.name(), 10s)) << d.process->output();
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    // Against the level the two gains make, not against withMaster: that one may have been
    // caught within tolerance while the master's glide was still ending.
    EXPECT_NEAR(levelWhenSettled(listener, toneRmsDb - 13.0), toneRmsDb - 13.0, levelToleranceDb)
        << d.process->output();
    EXPECT_EQ(d.osc->request("/track/tone/gain")->number(0), -10.0f);
    EXPECT_EQ(d.osc->request("/master/gain")->number(0), -3.0f);
}

TEST(DaemonJackLoss, AFloodOfChangesWhileTheServerIsAwayNeitherBlocksTheReconnectNorIsLost)
{
    LiveDaemon d(toneAndMicSessionYaml);
    d.jack.stop(SIGKILL);
    ASSERT_TRUE(waitForBufferSize(*d.osc, 0.0f, 10s)) << d.process->output();

    // More changes than the engine's command queue holds (8192), with no audio thread to take
    // them: three clients, 2970 each (within the rate limit's burst of 3000), in bundles of 990
    // (a bundle goes in whole or not at all), then single ones to fill the last places.
    for (int client = 0; client < 3; ++client)
        ASSERT_TRUE(sendChangesInBundles(d.osc_port, "/track/tone/gain", 2970)) << d.process->output();
    for (int i = 0; i < 300; ++i) {
        d.osc->sendFloat("/track/tone/gain", -20.0f);
        if (i % 50 == 49) {
            ASSERT_TRUE(d.osc->waitForPong(5s)) << d.process->output();
        }
    }
    while (d.osc->receive(100ms)) // the /error replies of the changes that did not fit
        ;
    // The last word: within a moment the daemon takes changes again.
    std::optional<float> last;
    for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
        last = setAndGet(*d.osc, "/track/tone/gain", -6.0f);
        if (last == -6.0f)
            break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(last, -6.0f) << d.process->output();
    EXPECT_TRUE(d.osc->waitForPong(2s));

    d.jack.restart();

    ASSERT_TRUE(waitUntilRejoined(d.jack.name(), 10s)) << d.process->output();
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    EXPECT_NEAR(levelWhenSettled(listener, toneRmsDb - 6.0), toneRmsDb - 6.0, levelToleranceDb) << d.process->output();
}

TEST(DaemonJackLoss, AServerBackAtAnotherRateGetsTheSessionRebuiltAtThatRateWithItsMeters)
{
    LiveDaemon d(toneAndMicSessionYaml);
    // A surface watching the meters all along: its stream reads the meter bank that the
    // reconnect replaces for the new rate.
    OscClient meterWatcher(d.osc_port);
    lo_message subscribe = lo_message_new();
    lo_message_add_float(subscribe, 100.0f);
    lo_message_add_string(subscribe, "levels");
    lo_message_add_float(subscribe, 60.0f);
    meterWatcher.send("/meters/subscribe", subscribe);
    ASSERT_EQ(statusBufferSize(*d.osc), 128.0f);

    d.jack.stop(SIGKILL);
    ASSERT_TRUE(waitForBufferSize(*d.osc, 0.0f, 10s)) << d.process->output();
    d.jack.restart(44100);

    ASSERT_TRUE(waitUntilRejoined(d.jack.name(), 10s)) << d.process->output();
    auto status = d.osc->request("/status");
    ASSERT_TRUE(status && status->address == "/status");
    EXPECT_EQ(status->number(1), 44100.0f);
    while (d.osc->receive(100ms))
        ;
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    EXPECT_NEAR(levelWhenSettled(listener, toneRmsDb), toneRmsDb, levelToleranceDb) << d.process->output();
    // The master meter reads the same level, measured at the new rate (RMS over 300 ms).
    std::optional<float> metered;
    for (auto deadline = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < deadline;) {
        metered = masterRmsDb(*d.osc);
        if (metered && std::fabs(*metered - toneRmsDb) <= 0.2)
            break;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(metered);
    EXPECT_NEAR(*metered, toneRmsDb, 0.2);
    EXPECT_TRUE(d.process->running());
}


TEST(DaemonJackLoss, TwentyServerDeathsAndReturnsLeakNoThreadFileSharedMemoryOrResidentMemory)
{
    LiveDaemon d(toneAndMicSessionYaml);
    constexpr int cycles = 20;
    constexpr int settledAfter = 3; // the first rejoins may allocate what later ones reuse
    std::optional<Holdings> settled;
    for (int cycle = 1; cycle <= cycles; ++cycle) {
        // Killed as if it crashed, or shut down cleanly, in turn.
        d.jack.stop(cycle % 2 ? SIGKILL : SIGTERM);
        ASSERT_TRUE(waitForBufferSize(*d.osc, 0.0f, 10s)) << "cycle " << cycle << ":\n" << d.process->output();
        d.jack.restart();
        ASSERT_TRUE(waitUntilRejoined(d.jack.name(), 10s)) << "cycle " << cycle << ":\n" << d.process->output();
        {
            JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
            ASSERT_NEAR(levelWhenSettled(listener, toneRmsDb), toneRmsDb, levelToleranceDb)
                << "cycle " << cycle << ":\n" << d.process->output();
        }
        if (cycle == settledAfter)
            settled = holdingsOf(d.process->pid());
    }
    ASSERT_TRUE(settled);
    const Holdings last = holdingsOf(d.process->pid());
    std::printf("[ measure ] after %d and %d rejoins: threads %zu → %zu, files %zu → %zu, /dev/shm mapped %zu → %zu, RSS "
                "%zu → %zu kB\n",
        settledAfter, cycles, settled->threads, last.threads, settled->files, last.files, settled->sharedMemory,
        last.sharedMemory, settled->rssKb, last.rssKb);
    EXPECT_EQ(last.threads, settled->threads) << d.process->output();
    EXPECT_EQ(last.files, settled->files) << d.process->output();
    EXPECT_EQ(last.sharedMemory, settled->sharedMemory) << d.process->output();
    // Resident memory moves a little with the allocator's arenas; a leak of a client's
    // buffers (hundreds of kB each) over 17 rejoins would not stay under this. Under
    // AddressSanitizer freed memory stays resident in its quarantine (up to 256 MB), so the
    // figure says nothing there; its LeakSanitizer checks the process at exit instead.
    if (!addressSanitized) {
        EXPECT_LT(last.rssKb, settled->rssKb + 4096) << d.process->output();
    }
    EXPECT_TRUE(d.osc->waitForPong(2s));
}

TEST(DaemonJackLoss, AClientCloseThatNeverEndsStartsBacklinedAgainInItsPlaceWhereItWas)
{
    // The test hook makes every close of a client hang, as libjack's now and then does after
    // its server restarted, holding the lock every later jack_client_open needs.
    LiveDaemon d(toneAndMicSessionYaml, {"env", "BACKLINE_TEST_STUCK_CLOSE=1"});
    ASSERT_EQ(setAndGet(*d.osc, "/master/gain", -3.0f), -3.0f);
    const auto stateFile = d.session.parent_path() / ".session.yaml.state";
    const auto kept = std::chrono::steady_clock::now() + 20s;
    auto holds = [&] {
        std::ifstream in(stateFile);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return text.find("\"/master/gain\", -3") != std::string::npos;
    };
    while (!holds() && std::chrono::steady_clock::now() < kept)
        std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(holds()) << d.process->output();
    const pid_t pid = d.process->pid();

    d.jack.stop(SIGKILL);
    std::this_thread::sleep_for(500ms);
    d.jack.restart();

    const auto said = std::chrono::steady_clock::now() + 30s;
    while (d.process->output().find("Starting backlined again in its place") == std::string::npos
        && std::chrono::steady_clock::now() < said)
        std::this_thread::sleep_for(100ms);
    ASSERT_NE(d.process->output().find("Starting backlined again in its place"), std::string::npos) << d.process->output();
    ASSERT_TRUE(waitUntilRejoined(d.jack.name(), 30s)) << d.process->output();
    EXPECT_EQ(d.process->pid(), pid);
    EXPECT_TRUE(d.process->running());
    EXPECT_TRUE(d.osc->waitForPong(10s)) << d.process->output();
    EXPECT_EQ(d.osc->request("/master/gain")->number(0), -3.0f) << "the live state came back:\n" << d.process->output();
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    EXPECT_NEAR(levelWhenSettled(listener, toneRmsDb - 3.0), toneRmsDb - 3.0, levelToleranceDb) << d.process->output();
    d.process->signal(SIGKILL); // its closes hang by the hook: no clean stop to wait for
    d.process->wait(10s);
}
