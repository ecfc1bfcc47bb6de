// SPDX-License-Identifier: GPL-3.0-or-later
// Whole-process OSC benchmark: backlined on jackd's dummy backend (48 kHz, 128-frame periods),
// real sockets, a JACK client listening to the master.
//
//   latency     message sent → the end of the audio cycle in which backlined applied it (and
//               → the cycle that carries it out, after the master limiter's 135-frame
//               lookahead), over UDP and TCP, with no subscriber and with 8 subscribers
//   throughput  sets offered at rising rates (spread over enough sockets to stay under the
//               per-client limit) while 8 clients are subscribed: what backlined takes in,
//               drops, pushes back, and what it costs in CPU, side by side with no subscriber
//   --recall    instead: a desk of 72 tracks (2,000 and more parameters); a scene recall of
//               every value, sent → the block that applied it, side by side with one set
//
// Usage: osc_live_bench [--trials N] [--seconds S] [--rates r1,r2,…] [--recall]
#include "../integration/Harness.h"
#include "RawOscClient.h"
#include "Percentile.h"
#include "ProcessCpu.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace backline;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

constexpr int sampleRate = 48000;
constexpr int period = 128;
/// faust/master/master.dsp: the limiter's lookahead, 135 frames at 48 kHz.
constexpr jack_nframes_t masterLatency = 135;

/// The DC track and `tones` muted tone tracks.
std::string session(int port, int tones = 8)
{
    const std::string dc = std::string(BACKLINE_TEST_DATA_DIR) + "/faust/dc_level.dsp";
    std::string yaml = "backline: 1\nname: oscbench\nosc: {port: " + std::to_string(port) + "}\ntracks:\n";
    yaml += "  - name: dc\n    dsp: " + dc + "\n    params: {level: 0}\n";
    for (int t = 0; t < tones; ++t)
        // Muted, so the DC track alone reaches the listener; their parameters take the throughput test's sets.
        yaml += "  - name: t" + std::to_string(t) + "\n    dsp: tone\n    params: {freq: 440, level: -40}\n    mute: true\n";
    return yaml;
}

/// A JACK client on the master outputs that notes, on its audio thread, when each cycle ran and
/// where the left channel first moves from a reference level. JACK runs it right after
/// backlined in every cycle (its inputs are backlined's outputs), so the callback time of a
/// cycle is when backlined finished that cycle.
class CycleListener {
public:
    CycleListener(const std::string& server)
    {
        jack_status_t status;
        client_ = jack_client_open("cycles", JackOptions(JackNoStartServer | JackServerName), &status, server.c_str());
        if (!client_)
            throw std::runtime_error("cannot open a JACK client");
        port_ = jack_port_register(client_, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
        jack_set_process_callback(client_, &CycleListener::onProcess, this);
        jack_activate(client_);
        jack_connect(client_, "backline:out_L", (std::string(jack_get_client_name(client_)) + ":in").c_str());
    }
    ~CycleListener()
    {
        jack_deactivate(client_);
        jack_client_close(client_);
    }

    struct Change {
        jack_nframes_t frame = 0;          ///< the first sample that moved
        std::int64_t heardNs = 0;          ///< the callback of the cycle that carried it
        std::int64_t appliedCycleNs = 0;   ///< the callback of the cycle whose start is `applied`
    };
    /// Watches for a move of more than threshold from reference; the frame the engine applied
    /// the change at is `latency` frames before the first sample that moved.
    void watch(float reference, float threshold, jack_nframes_t latency)
    {
        watching_ = false;
        reference_ = reference;
        threshold_ = threshold;
        latency_ = latency;
        found_ = false;
        watching_.store(true, std::memory_order_release); // pairs with onProcess's acquire
    }
    std::optional<Change> wait(std::chrono::milliseconds timeout)
    {
        const auto deadline = nowNs() + std::int64_t(timeout.count()) * 1000000;
        while (!found_.load(std::memory_order_acquire)) {
            if (nowNs() > deadline)
                return std::nullopt;
            std::this_thread::sleep_for(100us);
        }
        watching_ = false;
        return change_;
    }

private:
    static int onProcess(jack_nframes_t n, void* self)
    {
        auto& l = *static_cast<CycleListener*>(self);
        const std::int64_t now = nowNs();
        const jack_nframes_t start = jack_last_frame_time(l.client_);
        l.cycles_[l.next_ % l.cycles_.size()] = {start, now};
        ++l.next_;
        if (!l.watching_.load(std::memory_order_acquire) || l.found_.load(std::memory_order_relaxed))
            return 0;
        const auto* in = static_cast<const float*>(jack_port_get_buffer(l.port_, n));
        for (jack_nframes_t i = 0; i < n; ++i) {
            if (std::fabs(in[i] - l.reference_) <= l.threshold_)
                continue;
            l.change_.frame = start + i;
            l.change_.heardNs = now;
            const jack_nframes_t applied = start + i - l.latency_;
            l.change_.appliedCycleNs = 0;
            for (const auto& [cycleStart, ns] : l.cycles_)
                if (ns != 0 && applied - cycleStart < n) // the cycle that holds the applied frame
                    l.change_.appliedCycleNs = ns;
            l.found_.store(true, std::memory_order_release); // publishes change_ to wait()
            break;
        }
        return 0;
    }

    jack_client_t* client_ = nullptr;
    jack_port_t* port_ = nullptr;
    std::array<std::pair<jack_nframes_t, std::int64_t>, 8> cycles_ {}; // audio thread only
    std::size_t next_ = 0;
    std::atomic<bool> watching_ {false};
    std::atomic<bool> found_ {false};
    float reference_ = 0.0f;
    float threshold_ = 0.0f;
    jack_nframes_t latency_ = 0;
    Change change_;
};

/// A status field, asked on a fresh socket.
double statusField(int port, const std::string& key)
{
    RawOscClient c(RawOscClient::Kind::Udp, port);
    c.send("/status");
    auto m = c.receiveAddress("/status/" + key, 2000ms);
    return m ? m->number(0) : std::nan("");
}

/// Clients that subscribe, renew, and count what they are pushed, each on a thread of its own.
class Subscribers {
public:
    Subscribers(int port, int count)
    {
        for (int i = 0; i < count; ++i)
            clients_.push_back(std::make_unique<Client>(port));
        for (auto& c : clients_)
            c->thread = std::thread([&c = *c, this] { run(c); });
    }
    ~Subscribers()
    {
        stop_ = true;
        for (auto& c : clients_)
            c->thread.join();
    }
    /// Starts counting afresh.
    void reset()
    {
        for (auto& c : clients_) {
            std::lock_guard lock(c->mutex);
            c->messages = c->packets = c->gaps = 0;
        }
    }
    struct Totals {
        std::uint64_t messages = 0;
        std::uint64_t packets = 0;
        std::uint64_t gaps = 0;
    };
    Totals totals()
    {
        Totals t;
        for (auto& c : clients_) {
            std::lock_guard lock(c->mutex);
            t.messages += c->messages;
            t.packets += c->packets;
            t.gaps += c->gaps;
        }
        return t;
    }
    /// How many subscribers hold value for address now.
    int agreeing(const std::string& address, float value)
    {
        int n = 0;
        for (auto& c : clients_) {
            std::lock_guard lock(c->mutex);
            auto it = c->values.find(address);
            n += it != c->values.end() && it->second == value ? 1 : 0;
        }
        return n;
    }
    std::size_t size() const { return clients_.size(); }

private:
    struct Client {
        explicit Client(int port)
            : socket(RawOscClient::Kind::Udp, port)
        {
        }
        RawOscClient socket;
        std::thread thread;
        std::mutex mutex;
        std::map<std::string, float> values;
        std::uint64_t messages = 0, packets = 0, gaps = 0;
        double lastSeq = 0;
    };
    void run(Client& c)
    {
        auto renewAt = nowNs();
        while (!stop_) {
            if (nowNs() >= renewAt) {
                c.socket.send("/subscribe", {10.0f});
                renewAt = nowNs() + 3'000'000'000LL;
            }
            for (auto& m : c.socket.receiveFor(20ms)) {
                std::lock_guard lock(c.mutex);
                if (m.address == "/feedback/seq") {
                    ++c.packets;
                    if (c.lastSeq != 0 && m.number(0) != c.lastSeq + 1)
                        ++c.gaps;
                    c.lastSeq = m.number(0);
                } else if (m.address.starts_with("/track/")) {
                    ++c.messages;
                    c.values[m.address] = float(m.number(0));
                }
            }
        }
        c.socket.send("/unsubscribe");
    }
    std::vector<std::unique_ptr<Client>> clients_;
    std::atomic<bool> stop_ {false};
};

struct Latency {
    std::vector<double> appliedMs; ///< sent → the end of backlined's cycle that applied it
    std::vector<double> heardMs;   ///< sent → the end of the cycle that carried it out (+ the master's lookahead)
};

/// Moves the DC track to level: one set.
void setLevel(RawOscClient& c, float level) { c.send("/track/dc/dsp/level", {level}); }

/// Flips the DC track between 0 and 0.5 trials times, by `change` (a set, or a scene recall
/// holding the level), and times each change.
Latency measureLatency(int port, CycleListener& listener, RawOscClient::Kind kind, int trials,
    const std::function<void(RawOscClient&, float)>& change = setLevel)
{
    RawOscClient c(kind, port);
    Latency out;
    float level = 0.0f;
    c.send("/track/dc/dsp/level", {level});
    std::this_thread::sleep_for(100ms);
    std::uint64_t jitter = 88172645463325252ULL;
    for (int i = 0; i < trials; ++i) {
        const float next = level == 0.0f ? 0.5f : 0.0f;
        // Sent at a random moment within the period, as a tablet would, once the previous
        // change's 20 ms ramp is over.
        jitter ^= jitter << 13;
        jitter ^= jitter >> 7;
        jitter ^= jitter << 17;
        std::this_thread::sleep_for(std::chrono::microseconds(60000 + jitter % 2667));
        listener.watch(level * float(M_SQRT1_2), 1e-5f, masterLatency);
        const auto sent = nowNs();
        change(c, next);
        auto heard = listener.wait(2000ms);
        level = next;
        if (!heard)
            continue;
        if (std::getenv("OSC_BENCH_DEBUG"))
            std::fprintf(stderr, "frame %u (block offset %u) applied %.3f ms heard %.3f ms\n", heard->frame,
                heard->frame % period, double(heard->appliedCycleNs - sent) / 1e6,
                double(heard->heardNs - sent) / 1e6);
        if (heard->appliedCycleNs != 0)
            out.appliedMs.push_back(double(heard->appliedCycleNs - sent) / 1e6);
        out.heardMs.push_back(double(heard->heardNs - sent) / 1e6);
    }
    return out;
}

struct Throughput {
    double offered = 0;
    double elapsed = 0; ///< seconds the sending took (more than asked when the sender cannot keep up)
    std::uint64_t sent = 0;
    double received = 0, dropped = 0, errors = 0;
    double feedbackPerSubscriberPerSecond = 0;
    std::uint64_t gaps = 0;
    int converged = 0;
    double cpuPercent = 0;
    double xruns = 0;
};

/// Offers `rate` sets a second for `seconds`, over enough sockets that none passes 2,500 a second.
Throughput measureThroughput(int port, pid_t daemon, Subscribers* subscribers, double rate, double seconds)
{
    const int sockets = std::max(1, int(std::ceil(rate / 2500.0)));
    std::vector<std::unique_ptr<RawOscClient>> senders;
    for (int i = 0; i < sockets; ++i)
        senders.push_back(std::make_unique<RawOscClient>(RawOscClient::Kind::Udp, port));
    struct Target {
        std::string address;
        float min, max;
    };
    const std::vector<Target> targets {{"/track/t0/pan", -1, 1}, {"/track/t1/pan", -1, 1}, {"/track/t2/gain", -60, 0},
        {"/track/t3/gain", -60, 0}, {"/track/t4/trim", -12, 12}, {"/track/t5/eq/mid1/gain", -12, 12},
        {"/track/t6/dsp/freq", 100, 1000}, {"/track/t7/pan", -1, 1}};
    auto valueFor = [&](std::size_t a, std::uint64_t i) {
        const float x = float(i % 1000) / 1000.0f;
        const float v = targets[a].min + (targets[a].max - targets[a].min) * x;
        return targets[a].max > 100 ? std::round(v) : v; // the tone's frequency moves in whole hertz
    };
    Throughput t;
    t.offered = rate;
    const double received0 = statusField(port, "osc/received");
    const double dropped0 = statusField(port, "osc/dropped");
    const double errors0 = statusField(port, "osc/errors");
    const double xruns0 = statusField(port, "xruns");
    if (subscribers)
        subscribers->reset();
    const double cpu0 = cpuSeconds(daemon);
    const auto start = nowNs();
    const auto total = std::uint64_t(rate * seconds);
    std::vector<float> last(targets.size(), 0.0f);
    for (std::uint64_t i = 0; i < total; ++i) {
        const std::size_t a = i % targets.size();
        last[a] = valueFor(a, i / targets.size());
        senders[i % senders.size()]->send(targets[a].address, {last[a]});
        ++t.sent;
        const auto due = start + std::int64_t(double(i + 1) * 1e9 / rate);
        if ((i + 1) % 16 == 0)
            if (const auto wait = due - nowNs(); wait > 0)
                std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
    }
    const double elapsed = double(nowNs() - start) / 1e9;
    t.elapsed = elapsed;
    const double cpu1 = cpuSeconds(daemon);
    std::this_thread::sleep_for(300ms); // the last feedback packets
    t.received = statusField(port, "osc/received") - received0 - 4; // less the status requests
    t.dropped = statusField(port, "osc/dropped") - dropped0;
    t.errors = statusField(port, "osc/errors") - errors0;
    t.xruns = statusField(port, "xruns") - xruns0;
    t.cpuPercent = 100.0 * (cpu1 - cpu0) / elapsed;
    if (subscribers) {
        const auto totals = subscribers->totals();
        t.feedbackPerSubscriberPerSecond = double(totals.packets) / double(subscribers->size()) / elapsed;
        t.gaps = totals.gaps;
        int agree = int(subscribers->size());
        for (std::size_t a = 0; a < targets.size(); ++a)
            agree = std::min(agree, subscribers->agreeing(targets[a].address, last[a]));
        t.converged = agree;
    }
    return t;
}

/// One row of a latency table: ms to the end of the block that applied it, and in blocks.
void latencyRow(const char* name, const Latency& l, double periodMs)
{
    std::printf("%-34s | %7.2f %7.2f %7.2f | %6.2f %6.2f %6.2f\n", name, percentile(l.appliedMs, 0.5),
        percentile(l.appliedMs, 0.99), percentile(l.appliedMs, 1.0), percentile(l.appliedMs, 0.5) / periodMs,
        percentile(l.appliedMs, 0.99) / periodMs, percentile(l.appliedMs, 1.0) / periodMs);
}

/// A recall of every value of the desk (scenes `low` and `high`, the DC track's level the only
/// difference), side by side with one set, over UDP.
int recallLatency(int port, CycleListener& listener, int trials, double periodMs)
{
    RawOscClient c(RawOscClient::Kind::Udp, port);
    setLevel(c, 0.0f);
    std::this_thread::sleep_for(100ms);
    auto ask = [&](const std::string& address, std::vector<control::OscReply::Arg> args) {
        c.send(address, std::move(args));
        return c.receive(2000ms);
    };
    const auto stored = ask("/scene/store", {std::string("low")});
    if (!stored || stored->address != "/scene/stored")
        return std::fprintf(stderr, "the scene could not be stored\n"), 1;
    const int values = int(stored->number(1));
    ask("/scene/store", {std::string("high")});
    auto edited = ask("/scene/edit", {std::string("high"), std::string("/track/dc/dsp/level"), 0.5f});
    if (!edited || edited->address == "/error")
        return std::fprintf(stderr, "the scene could not be edited\n"), 1;
    auto recallLevel = [](RawOscClient& client, float level) {
        client.send("/scene/recall", {std::string(level == 0.0f ? "low" : "high")});
    };
    std::printf("== a scene recall of %d values, %d each: from sendto() to the end of the block that applied it\n",
        values, trials);
    std::printf("%-34s | %7s %7s %7s | %6s %6s %6s\n", "", "ms med", "p99", "max", "blocks", "p99", "max");
    latencyRow("one set (UDP)", measureLatency(port, listener, RawOscClient::Kind::Udp, trials), periodMs);
    latencyRow(("recall of " + std::to_string(values) + " values (UDP)").c_str(),
        measureLatency(port, listener, RawOscClient::Kind::Udp, trials, recallLevel), periodMs);
    std::printf("(blocks: the time in %.2f ms periods. A change waits for the next block to start, then that block is\n"
                " computed: about one block and a half for a set that takes no time to read)\n",
        periodMs);
    return 0;
}

std::vector<double> parseRates(const std::string& text)
{
    std::vector<double> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        out.push_back(std::stod(item));
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    int trials = 200;
    double seconds = 2.0;
    std::vector<double> rates {1000, 5000, 20000, 80000, 160000};
    bool recall = false;
    for (int i = 1; i < argc; ++i)
        recall = recall || std::string(argv[i]) == "--recall";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--recall") {
            --i; // takes no value
            continue;
        }
        if (flag == "--trials")
            trials = std::stoi(argv[i + 1]);
        else if (flag == "--seconds")
            seconds = std::stod(argv[i + 1]);
        else if (flag == "--rates")
            rates = parseRates(argv[i + 1]);
    }
    JackServer jack(sampleRate, period);
    TempDir dir;
    const int port = freeOscPort();
    const auto file = dir.write("bench.yaml", session(port, recall ? 72 : 8));
    Process daemon({backlinedPath().string(), "--session", file.string(), "--jack-server", jack.name(), "--cache-dir",
                       (dir.path() / "cache").string()},
        dir.path() / "backlined.log");
    {
        RawOscClient probe(RawOscClient::Kind::Udp, port);
        bool up = false;
        for (int i = 0; i < 100 && !up; ++i)
            up = probe.request("/ping", 200ms).has_value();
        if (!up) {
            std::fprintf(stderr, "backlined did not answer:\n%s\n", daemon.output().c_str());
            return 1;
        }
    }
    CycleListener listener(jack.name());
    std::this_thread::sleep_for(500ms);
    const double periodMs = 1000.0 * period / sampleRate;
    std::printf("backlined on jackd dummy, %d Hz, %d-frame periods (%.2f ms); %s\n\n", sampleRate, period, periodMs,
        "figures from one run, side by side");

    if (recall)
        return recallLatency(port, listener, trials, periodMs);

    std::printf("== set-to-effect latency, %d changes each: ms from sendto() to ...\n", trials);
    std::printf("%-28s | %-38s | %-24s\n", "", "... the end of the block that applied it", "... heard at the output");
    std::printf("%-28s | %7s %7s %7s %7s %5s | %7s %7s %7s\n", "", "median", "p90", "p99", "max", "/per", "median", "p99",
        "max");
    auto row = [&](const char* name, const Latency& l) {
        const double median = percentile(l.appliedMs, 0.5);
        std::printf("%-28s | %7.2f %7.2f %7.2f %7.2f %5.2f | %7.2f %7.2f %7.2f\n", name, median,
            percentile(l.appliedMs, 0.9), percentile(l.appliedMs, 0.99), percentile(l.appliedMs, 1.0),
            median / periodMs, percentile(l.heardMs, 0.5), percentile(l.heardMs, 0.99), percentile(l.heardMs, 1.0));
    };
    row("UDP, no subscriber", measureLatency(port, listener, RawOscClient::Kind::Udp, trials));
    row("TCP, no subscriber", measureLatency(port, listener, RawOscClient::Kind::TcpLengthPrefix, trials));
    {
        Subscribers eight(port, 8);
        std::this_thread::sleep_for(300ms);
        row("UDP, 8 subscribers", measureLatency(port, listener, RawOscClient::Kind::Udp, trials));
    }
    {
        RawOscClient c(RawOscClient::Kind::Udp, port);
        std::vector<double> trips;
        for (int i = 0; i < trials; ++i) {
            const auto sent = nowNs();
            if (auto m = c.request("/ping", 1000ms))
                trips.push_back(double(m->receivedNs - sent) / 1e6);
            std::this_thread::sleep_for(2ms);
        }
        std::printf("%-28s | %7.3f %7.3f %7.3f %7.3f %5s |\n", "/ping round trip (UDP)", percentile(trips, 0.5),
            percentile(trips, 0.9), percentile(trips, 0.99), percentile(trips, 1.0), "");
    }
    std::printf("(/per: the median in periods. A set waits for the next block to start (half a period on average),\n"
                " then that block is computed; heard: the master's 135-frame lookahead pushes it into the next block)\n\n");

    std::printf("== throughput: sets offered for %.0f s over several sockets (<= 2,500/s each)\n", seconds);
    std::printf("%9s | %-11s | %9s %9s %8s %6s | %9s %5s %9s | %6s %5s\n", "offered/s", "subscribers", "sent/s",
        "taken/s", "dropped", "errors", "fb pkt/s", "gaps", "converged", "CPU %", "xruns");
    const double idle0 = cpuSeconds(daemon.pid());
    std::this_thread::sleep_for(2000ms);
    const double idleCpu = 100.0 * (cpuSeconds(daemon.pid()) - idle0) / 2.0;
    for (double rate : rates) {
        for (int withSubscribers = 0; withSubscribers < 2; ++withSubscribers) {
            std::unique_ptr<Subscribers> subs;
            if (withSubscribers) {
                subs = std::make_unique<Subscribers>(port, 8);
                std::this_thread::sleep_for(300ms);
            }
            const auto t = measureThroughput(port, daemon.pid(), subs.get(), rate, seconds);
            std::printf("%9.0f | %-11s | %9.0f %9.0f %8.0f %6.0f | %9s %5s %9s | %6.1f %5.0f\n", t.offered,
                withSubscribers ? "8" : "none", double(t.sent) / t.elapsed, t.received / t.elapsed, t.dropped, t.errors,
                withSubscribers ? std::to_string(int(t.feedbackPerSubscriberPerSecond + 0.5)).c_str() : "-",
                withSubscribers ? std::to_string(t.gaps).c_str() : "-",
                withSubscribers ? (std::to_string(t.converged) + "/8").c_str() : "-", t.cpuPercent, t.xruns);
            std::fflush(stdout);
        }
    }
    std::printf("(sent/s: what this one sending thread managed; taken/s: messages backlined counted in. CPU %%: all of\n"
                " backlined's threads, audio included; idle it uses %.1f %%. converged: subscribers whose last value\n"
                " of every address is the last one sent)\n",
        idleCpu);
    return 0;
}
