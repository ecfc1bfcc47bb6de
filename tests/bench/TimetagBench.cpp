// SPDX-License-Identifier: GPL-3.0-or-later
// Whole-process timetag benchmark: how close to its time a bundle with a timetag lands.
// backlined on its own jackd (dummy backend, 48 kHz, 128-frame periods, real-time scheduling
// when the machine grants it), a JACK client listening to the master, real UDP.
//
// For each lead (the timetag is that far ahead of the send) it flips a DC track's level and
// reports, side by side:
//   heard      ms from sendto() to the callback of the cycle that carried the change out
//   frames     the landing frame less the frame JACK's clock gave the timetag (read by the
//              listener at the send), over all trials and over the steady ones only: no
//              xrun, and JACK's clock gave the timetag the same frame (±16) after the landing
//   early      trials computed more than a period before the timetag's wall time (a cue
//              played early)
//
// This is a timing claim, so it lives here and not in the test suite: on a busy machine a
// non-real-time dummy driver stalls and catches up, and every figure below moves with it.
// The suite checks what does not depend on it (OscBundle.*: held until its time, then lands;
// Mixing.TimedChangeLandsOnItsFrame…: the exact frame given the engine's clock).
//
// Usage: timetag_bench [--trials N] [--leads ms1,ms2,…]
#include "BenchDaemon.h"
#include "Percentile.h"

#include "control/osc/Timetag.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sched.h>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace backline;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

constexpr int sampleRate = BenchDaemon::sampleRate;
constexpr int period = BenchDaemon::period;
/// faust/master/master.dsp: the limiter's lookahead, 135 frames at 48 kHz.
constexpr long masterLatency = 135;
constexpr long steadyFrames = 16;

std::vector<int> parseList(const std::string& text)
{
    std::vector<int> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        out.push_back(std::stoi(item));
    return out;
}

/// The driver's own timekeeping, the yardstick for the rows above it: a JACK client notes each
/// cycle's first frame and wall time for a few seconds; how far the frames stray from the line
/// a steady clock would draw, and the longest gap between two cycles.
class DriverClock {
public:
    explicit DriverClock(const std::string& server)
    {
        jack_status_t status;
        client_ = jack_client_open("clock", JackOptions(JackNoStartServer | JackServerName), &status, server.c_str());
        if (!client_)
            throw std::runtime_error("cannot open a JACK client");
        jack_set_process_callback(client_, &DriverClock::onProcess, this);
        jack_activate(client_);
    }
    ~DriverClock() { jack_client_close(client_); }
    /// Waits for the samples; returns {max deviation ms, max gap ms, frames' rate / nominal}.
    std::array<double, 3> measure()
    {
        while (count_.load(std::memory_order_acquire) < samples_.size())
            std::this_thread::sleep_for(10ms);
        double deviation = 0, gap = 0;
        const auto [frame0, ns0] = samples_.front();
        for (std::size_t i = 1; i < samples_.size(); ++i) {
            const double expected = double(samples_[i].first - frame0) / sampleRate * 1e9;
            deviation = std::max(deviation, std::fabs(double(samples_[i].second - ns0) - expected));
            gap = std::max(gap, double(samples_[i].second - samples_[i - 1].second));
        }
        const double wall = double(samples_.back().second - ns0) / 1e9;
        const double frames = double(samples_.back().first - frame0) / sampleRate;
        return {deviation / 1e6, gap / 1e6, frames / wall};
    }

private:
    static int onProcess(jack_nframes_t, void* self)
    {
        auto& c = *static_cast<DriverClock*>(self);
        const auto i = c.count_.load(std::memory_order_relaxed);
        if (i < c.samples_.size()) {
            c.samples_[i] = {jack_last_frame_time(c.client_), nowNs()};
            c.count_.store(i + 1, std::memory_order_release);
        }
        return 0;
    }
    jack_client_t* client_ = nullptr;
    std::array<std::pair<jack_nframes_t, std::int64_t>, 2000> samples_ {}; // about 5 s
    std::atomic<std::size_t> count_ {0};
};

struct Row {
    std::vector<double> heardMs;
    std::vector<double> frames;       ///< all trials
    std::vector<double> steadyFrames; ///< trials with no xrun and a steady JACK clock
    int early = 0;
    int missing = 0;
};

Row measure(RawOscClient& c, JackListener& listener, int leadMs, int trials, float& level)
{
    Row row;
    for (int i = 0; i < trials; ++i) {
        const float to = level == 0.0f ? 0.5f : 0.0f;
        listener.waitCycles(40); // the last change's ramp is over
        listener.watchForChange(level * float(M_SQRT1_2), 1e-5f);
        const std::uint64_t xrunsBefore = listener.xruns();
        const auto wall = std::chrono::system_clock::now();
        const std::int64_t sentNs = nowNs();
        const jack_time_t due = jack_get_time() + jack_time_t(leadMs) * 1000;
        const jack_nframes_t atSend = jack_time_to_frames(listener.client(), due);
        c.sendBundle(control::toTimetag(wall + std::chrono::milliseconds(leadMs)), {{"/track/dc/dsp/level", {to}}});
        const auto change = listener.waitForChange(std::chrono::milliseconds(leadMs) + 10s);
        level = to;
        if (!change) {
            ++row.missing;
            continue;
        }
        const double heardMs = double(change->callbackNs - sentNs) / 1e6;
        // The callback computes the block that carries the change, at most a period before the
        // block plays: heard sooner than that before the timetag means it was played early.
        row.early += heardMs < double(leadMs) - 1000.0 * period / sampleRate ? 1 : 0;
        row.heardMs.push_back(heardMs);
        const long frames = long(std::int32_t(change->frame - masterLatency - atSend));
        row.frames.push_back(double(frames));
        const long wander = long(std::int32_t(jack_time_to_frames(listener.client(), due) - atSend));
        if (std::getenv("TIMETAG_BENCH_DEBUG"))
            std::fprintf(stderr, "lead %d ms: heard %.1f ms, %ld frames from the timetag's frame, clock moved %ld\n",
                leadMs, heardMs, frames, wander);
        if (std::abs(wander) <= steadyFrames && listener.xruns() == xrunsBefore)
            row.steadyFrames.push_back(double(frames));
    }
    return row;
}

} // namespace

int main(int argc, char** argv)
{
    int trials = 40;
    std::vector<int> leads {20, 100, 500, 2000};
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--trials")
            trials = std::stoi(argv[i + 1]);
        else if (flag == "--leads")
            leads = parseList(argv[i + 1]);
    }
    BenchDaemon d(dcTrack(), JackServer::Scheduling::Realtime);
    RawOscClient c(RawOscClient::Kind::Udp, d.port);
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    listener.waitCycles(600, 60s); // the daemon learns JACK's clock from a second and more of blocks
    const auto policy = threadPolicy(d.process.pid(), "backline-audio");
    const bool realtime = policy == SCHED_FIFO || policy == SCHED_RR;
    std::printf("backlined on jackd dummy, %d Hz, %d-frame periods; audio thread %s; %d trials per lead\n\n", sampleRate,
        period, realtime ? "real-time (SCHED_FIFO)" : "NOT real-time (the figures show a stalling driver)", trials);
    {
        DriverClock clock(d.jack.name());
        const auto [deviation, gap, rate] = clock.measure();
        std::printf("the driver itself, 5 s of cycles: frames stray up to %.1f ms from a steady clock's line, the longest\n"
                    "gap between two cycles is %.1f ms (a period is %.2f ms), frames run at %.4f of the wall clock's rate\n\n",
            deviation, gap, 1000.0 * period / sampleRate, rate);
    }
    std::printf("%7s | %-25s | %-32s | %-20s | %5s %7s\n", "", "heard after the send (ms)",
        "frames from the timetag's frame", "steady trials only", "", "");
    std::printf("%7s | %8s %8s %7s | %7s %7s %7s %8s | %6s %6s %6s | %5s %7s\n", "lead", "min", "median", "max",
        "median", "p90", "max|e|", "in block", "n", "median", "max|e|", "early", "missing");
    float level = 0.0f;
    for (int lead : leads) {
        const Row row = measure(c, listener, lead, trials, level);
        auto maxAbs = [](const std::vector<double>& v) {
            double m = v.empty() ? std::nan("") : 0.0;
            for (double x : v)
                m = std::max(m, std::fabs(x));
            return m;
        };
        const auto inBlock = std::count_if(row.frames.begin(), row.frames.end(),
            [](double e) { return std::fabs(e) <= double(period); });
        std::printf("%5d ms | %8.1f %8.1f %7.1f | %7.0f %7.0f %7.0f %4ld/%-3zu | %6zu %6.0f %6.0f | %5d %7d\n", lead,
            percentile(row.heardMs, 0.0), percentile(row.heardMs, 0.5), percentile(row.heardMs, 1.0),
            percentile(row.frames, 0.5), percentile(row.frames, 0.9), maxAbs(row.frames), long(inBlock),
            row.frames.size(), row.steadyFrames.size(), percentile(row.steadyFrames, 0.5), maxAbs(row.steadyFrames),
            row.early, row.missing);
        std::fflush(stdout);
    }
    std::printf("(in block: trials that landed within one period, %d frames, of the timetag's frame. The lookahead of\n"
                " the master, %ld frames, is taken off. heard: the callback that computed the block carrying the\n"
                " change, up to a period before that block plays; early: heard more than a period before the lead)\n",
        period, masterLatency);
    return 0;
}
