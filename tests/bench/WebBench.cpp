// SPDX-License-Identifier: GPL-3.0-or-later
// Whole-process benchmark of the web surface: backlined on jackd's dummy backend with
// --web-port, 16 tone tracks, and N pages (WebSockets on /osc, subscribed to feedback as the
// page is).
//
//   round trip  page 0 moves a fader (a new value every 50 ms); the time from its send until
//               each other page hears the value (median, p99), side by side with the same
//               over N UDP subscribers: what the WebSocket path adds to OSC's
//   meters      backlined's CPU over S seconds with no client, then with N pages subscribed to
//               meters at 30 Hz and reading them (as N tablets showing the mixer)
//   flood       the xruns JACK reports (/status) over S quiet seconds, then over S seconds of
//               hostile traffic at the web port (128 idle connections held open, requests with
//               16 KB headers, WebSockets sent text and 70 KB messages, as fast as they are
//               answered), side by side: what the web surface's abuse costs the audio
//
// Usage: web_bench [--pages N] [--moves M] [--seconds S] [--realtime]
// --realtime runs jackd (and so backlined's audio thread) with SCHED_FIFO, as on stage: on an
// idle machine its xrun count is the flood's own, where a non-real-time jackd's counts the load.
#include "../integration/Harness.h"
#include "../web/HttpProbe.h"
#include "../web/WsClient.h"
#include "Percentile.h"
#include "ProcessCpu.h"
#include "RawOscClient.h"

#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace backline;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

std::string session(int oscPort)
{
    std::string yaml = "backline: 1\nname: webbench\nosc: {port: " + std::to_string(oscPort) + "}\ntracks:\n";
    for (int t = 0; t < 16; ++t)
        yaml += "  - name: t" + std::to_string(t) + "\n    dsp: tone\n    params: {freq: " + std::to_string(220 + 20 * t)
            + ", level: -30}\n";
    return yaml;
}

/// The k-th fader value: distinct for k < 500, inside the gain's range.
float moveValue(int k) { return -50.0f + 0.1f * float(k % 500); }
int moveIndex(double value) { return int(std::lround((value + 50.0) * 10.0)); }

/// One surface of the round trip: sends, hears with receive (nullopt after a timeout), and
/// renews its subscription as the page does (a first one lasts 10 s until the client is
/// established).
struct Surface {
    std::function<bool(float)> set;
    std::function<std::optional<RawMessage>()> receive;
    std::function<void()> renew;
};

/// Moves page 0's fader `moves` times, 50 ms apart; returns every other surface's delay (ms)
/// from the send to hearing that value.
std::vector<double> roundTrips(std::vector<Surface>& surfaces, int moves)
{
    std::vector<std::int64_t> sentNs(std::size_t(moves), 0);
    std::mutex mutex;
    std::vector<double> delays;
    std::atomic<bool> stop {false};
    std::vector<std::thread> listeners;
    for (std::size_t s = 1; s < surfaces.size(); ++s)
        listeners.emplace_back([&, s] {
            std::int64_t renewedNs = nowNs();
            while (!stop.load()) {
                if (nowNs() - renewedNs > 4'000'000'000) {
                    surfaces[s].renew();
                    renewedNs = nowNs();
                }
                auto m = surfaces[s].receive();
                if (!m || m->address != "/track/t0/gain")
                    continue;
                const int k = moveIndex(m->number(0));
                std::lock_guard lock(mutex);
                if (k >= 0 && k < moves && sentNs[std::size_t(k)] != 0)
                    delays.push_back(double(m->receivedNs - sentNs[std::size_t(k)]) / 1e6);
            }
        });
    std::this_thread::sleep_for(1s); // the snapshots go by
    for (int k = 0; k < moves; ++k) {
        {
            std::lock_guard lock(mutex);
            sentNs[std::size_t(k)] = nowNs();
        }
        surfaces[0].set(moveValue(k));
        std::this_thread::sleep_for(50ms);
    }
    std::this_thread::sleep_for(500ms);
    stop = true;
    for (auto& t : listeners)
        t.join();
    return delays;
}

void printDelays(const char* what, const std::vector<double>& delays, int expected)
{
    std::printf("  %-34s %6zu of %6d heard   median %6.2f ms   p99 %6.2f ms   max %6.2f ms\n", what, delays.size(),
        expected, percentile(delays, 0.5), percentile(delays, 0.99),
        delays.empty() ? std::nan("") : *std::max_element(delays.begin(), delays.end()));
}

/// The xruns backlined's /status counts so far (-1 when it did not answer).
double xruns(RawOscClient& osc)
{
    osc.send("/status");
    auto m = osc.receiveAddress("/status/xruns", 2s);
    return m ? m->number(0) : -1.0;
}

/// Hostile traffic at the web port for `seconds`; returns how many attacks were made.
long flood(int webPort, double seconds)
{
    std::vector<int> idle;
    for (int i = 0; i < 128; ++i)
        if (const int fd = connectTo(webPort); fd >= 0)
            idle.push_back(fd); // slow clients that never send: the cap and the deadline close them
    std::atomic<bool> stop {false};
    std::atomic<long> attacks {0};
    const std::string hugeHeader = "X-Junk: " + std::string(16 * 1024, 'j') + "\r\n";
    std::vector<std::thread> attackers;
    attackers.emplace_back([&] {
        while (!stop.load()) {
            (void)request(webPort, "GET", "/index.html", hugeHeader);
            (void)request(webPort, "GET", "/%2e%2e/%2e%2e/etc/passwd");
            attacks.fetch_add(2);
        }
    });
    attackers.emplace_back([&] {
        while (!stop.load()) {
            WsClient text(webPort);
            (void)text.sendText("not osc");
            (void)text.closedWithin(2s);
            WsClient big(webPort);
            (void)big.sendBinary(std::vector<std::uint8_t>(70 * 1024, 0x2f));
            (void)big.closedWithin(2s);
            attacks.fetch_add(2);
        }
    });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : attackers)
        t.join();
    for (const int fd : idle)
        close(fd);
    return attacks.load();
}

} // namespace

int main(int argc, char** argv)
{
    int pages = 8;
    int moves = 200;
    double seconds = 10.0;
    auto scheduling = JackServer::Scheduling::Normal;
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--realtime"))
            scheduling = JackServer::Scheduling::Realtime;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--realtime"))
            --i; // a flag: the next argument is an option's name
        else if (!std::strcmp(argv[i], "--pages"))
            pages = std::max(2, std::atoi(argv[i + 1]));
        else if (!std::strcmp(argv[i], "--moves"))
            moves = std::clamp(std::atoi(argv[i + 1]), 10, 500);
        else if (!std::strcmp(argv[i], "--seconds"))
            seconds = std::max(1.0, std::atof(argv[i + 1]));
    }
    JackServer jack(48000, 128, scheduling);
    TempDir dir;
    const int oscPort = freeOscPort();
    const int webPort = freeOscPort();
    Process daemon({backlinedPath().string(), "--session", dir.write("bench.yaml", session(oscPort)).string(),
                       "--jack-server", jack.name(), "--web-port", std::to_string(webPort), "--cache-dir",
                       (dir.path() / "cache").string()},
        dir.path() / "backlined.log");
    {
        RawOscClient probe(RawOscClient::Kind::Udp, oscPort);
        bool up = false;
        for (int i = 0; i < 100 && !up; ++i)
            up = probe.request("/ping", 200ms).has_value();
        if (!up) {
            std::fprintf(stderr, "backlined did not answer:\n%s\n", daemon.output().c_str());
            return 1;
        }
    }
    std::printf("web_bench: backlined on jackd dummy (48 kHz, 128 frames, %s), 16 tone tracks, %d pages\n",
        scheduling == JackServer::Scheduling::Realtime ? "real-time" : "not real-time", pages);

    // Round trip over WebSockets, then the same over UDP subscribers.
    {
        std::vector<std::unique_ptr<WsClient>> ws;
        std::vector<Surface> surfaces;
        for (int p = 0; p < pages; ++p) {
            ws.push_back(std::make_unique<WsClient>(webPort));
            ws.back()->send("/subscribe", {60.0f});
        }
        for (auto& c : ws)
            surfaces.push_back({[&c](float v) { return c->send("/track/t0/gain", {v}); },
                [&c] { return c->receive(100ms); }, [&c] { c->send("/subscribe", {60.0f}); }});
        printDelays("page → daemon → other pages", roundTrips(surfaces, moves), moves * (pages - 1));
    }
    {
        std::vector<std::unique_ptr<RawOscClient>> udp;
        std::vector<Surface> surfaces;
        for (int p = 0; p < pages; ++p) {
            udp.push_back(std::make_unique<RawOscClient>(RawOscClient::Kind::Udp, oscPort));
            udp.back()->send("/subscribe", {60.0f});
        }
        for (auto& c : udp)
            surfaces.push_back({[&c](float v) { return c->send("/track/t0/gain", {v}); },
                [&c] { return c->receive(100ms); }, [&c] { c->send("/subscribe", {60.0f}); }});
        printDelays("UDP client → daemon → other UDP", roundTrips(surfaces, moves), moves * (pages - 1));
    }

    // CPU: no client, then the pages reading meters at 30 Hz.
    std::this_thread::sleep_for(1s);
    double c0 = cpuSeconds(daemon.pid());
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const double idle = (cpuSeconds(daemon.pid()) - c0) / seconds * 100.0;
    std::vector<std::unique_ptr<WsClient>> ws;
    std::atomic<bool> stop {false};
    std::atomic<long> readings {0};
    std::vector<std::thread> readers;
    for (int p = 0; p < pages; ++p) {
        ws.push_back(std::make_unique<WsClient>(webPort));
        ws.back()->send("/meters/subscribe", {30.0f, std::string("levels"), 60.0f});
    }
    for (auto& c : ws)
        readers.emplace_back([&c, &stop, &readings] {
            while (!stop.load())
                if (auto m = c->receive(100ms); m && m->address == "/meters/loudness")
                    readings.fetch_add(1);
        });
    std::this_thread::sleep_for(1s);
    const long r0 = readings.load();
    c0 = cpuSeconds(daemon.pid());
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const double metered = (cpuSeconds(daemon.pid()) - c0) / seconds * 100.0;
    const double rate = double(readings.load() - r0) / seconds / pages;
    stop = true;
    for (auto& t : readers)
        t.join();
    std::printf("  backlined CPU, no client           %6.1f %% of a core\n", idle);
    std::printf("  backlined CPU, %d pages × meters    %6.1f %% of a core (×%.2f; %.1f readings/s per page, one /meters/loudness each)\n", pages,
        metered, metered / idle, rate);
    ws.clear();

    // Xruns: a quiet window, then the same length under the flood.
    RawOscClient osc(RawOscClient::Kind::Udp, oscPort);
    std::this_thread::sleep_for(1s);
    const double x0 = xruns(osc);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const double x1 = xruns(osc);
    c0 = cpuSeconds(daemon.pid());
    const long attacks = flood(webPort, seconds);
    const double flooded = (cpuSeconds(daemon.pid()) - c0) / seconds * 100.0;
    const double x2 = xruns(osc);
    std::printf("  xruns in %.0f s, quiet                %6.0f\n", seconds, x1 - x0);
    std::printf("  xruns in %.0f s, web port flooded     %6.0f (%ld attacks; backlined %.1f %% of a core)\n", seconds,
        x2 - x1, attacks, flooded);
    return 0;
}
