// SPDX-License-Identifier: GPL-3.0-or-later
// backlined's workers live: the helpers that run the mix beside the audio thread are JACK's
// threads, scheduled like the audio thread, as many as the session says; without a word from
// the session, one per core when JACK runs real-time and none when it does not. (That the mix
// is the same bits on any number of them is DeterminismTest's.)
#include "LiveDaemon.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sched.h>
#include <string>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// Threads of pid named name.
int countThreads(pid_t pid, const std::string& name)
{
    const std::string states = threadStates(pid);
    int count = 0;
    for (std::size_t at = states.find("  " + name + " "); at != std::string::npos;
         at = states.find("  " + name + " ", at + 1))
        ++count;
    return count;
}

/// Waits up to 10 s for pid to have `want` threads named name (they name themselves as they
/// start); returns how many it has.
int awaitThreads(pid_t pid, const std::string& name, int want)
{
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    int count = countThreads(pid, name);
    while (count != want && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
        count = countThreads(pid, name);
    }
    return count;
}

const char* threeWorkers = R"(backline: 1
name: workers
workers: 3
buses:
  - {name: verb, dsp: reverb}
tracks:
  - {name: a, dsp: tone, params: {freq: 440, level: -20}, sends: [{bus: verb, level: -12}]}
  - {name: b, dsp: tone, params: {freq: 660, level: -20}}
  - {name: c, dsp: tone, params: {freq: 880, level: -20}}
)";

} // namespace

TEST(DaemonWorkers, TheSessionsWorkersAreJackThreadsScheduledLikeTheAudioThread)
{
    LiveDaemon d(threeWorkers);
    const pid_t pid = d.process->pid();
    EXPECT_EQ(awaitThreads(pid, "backline-work", 2), 2) << threadStates(pid);
    EXPECT_EQ(threadPolicy(pid, "backline-work"), threadPolicy(pid, "backline-audio")) << threadStates(pid);
    EXPECT_NE(d.process->output().find("3 workers run the graph (2 helper thread(s)"), std::string::npos)
        << d.process->output();
    // The mix runs on them: the daemon answers and plays on.
    EXPECT_TRUE(d.osc->waitForPong(5s));
}

TEST(DaemonWorkers, WithoutRealTimeJackAndNoWordFromTheSessionTheAudioThreadRunsTheMixAlone)
{
    LiveDaemon d; // jackd without -R, no `workers`
    const pid_t pid = d.process->pid();
    ASSERT_TRUE(d.osc->waitForPong(5s));
    EXPECT_EQ(countThreads(pid, "backline-work"), 0) << threadStates(pid);
    EXPECT_EQ(d.process->output().find("workers run the graph"), std::string::npos) << d.process->output();
}

TEST(DaemonWorkers, WithRealTimeJackEveryCoreRunsTheMix)
{
    LiveDaemon d(toneSessionYaml, JackServer::Scheduling::Realtime);
    const pid_t pid = d.process->pid();
    ASSERT_TRUE(d.osc->waitForPong(5s));
    const auto audio = threadPolicy(pid, "backline-audio");
    ASSERT_TRUE(audio) << threadStates(pid);
    if (*audio != SCHED_FIFO && *audio != SCHED_RR)
        GTEST_SKIP() << "jackd could not get real-time scheduling here, so it runs without: nothing to check";
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    ASSERT_EQ(sched_getaffinity(pid, sizeof cpus, &cpus), 0);
    const int cores = std::min(CPU_COUNT(&cpus), 64); // the cores it may use, at most 64 workers
    EXPECT_EQ(awaitThreads(pid, "backline-work", cores - 1), cores - 1) << threadStates(pid);
    if (cores > 1) {
        EXPECT_EQ(threadPolicy(pid, "backline-work"), audio) << threadStates(pid);
    }
}

TEST(DaemonWorkers, WithoutTheRightToRealTimeItStartsAndPlaysAllTheSame)
{
    // jackd runs real-time (as it does by default), but backlined may not: no CAP_SYS_NICE, an
    // RLIMIT_RTPRIO of 0. Its audio thread then runs without real-time scheduling, and so must
    // any helper: one asked for real-time would not start, and backlined with it.
    const std::vector<std::string> noRealTime
        = {"setpriv", "--bounding-set", "-sys_nice", "--inh-caps", "-sys_nice", "--", "prlimit", "--rtprio=0", "--"};
    if (std::system("setpriv --bounding-set -sys_nice --inh-caps -sys_nice -- prlimit --rtprio=0 -- true 2>/dev/null") != 0)
        GTEST_SKIP() << "setpriv cannot take CAP_SYS_NICE away here (a container without CAP_SETPCAP)";
    {
        LiveDaemon d(toneSessionYaml, noRealTime, JackServer::Scheduling::Realtime);
        const pid_t pid = d.process->pid();
        ASSERT_TRUE(d.osc->waitForPong(5s));
        const auto audio = threadPolicy(pid, "backline-audio");
        ASSERT_TRUE(audio) << threadStates(pid);
        if (*audio == SCHED_FIFO || *audio == SCHED_RR)
            GTEST_SKIP() << "backlined got real-time scheduling all the same here: nothing to check";
        EXPECT_EQ(countThreads(pid, "backline-work"), 0) << "no word from the session: the audio thread alone";
    }
    LiveDaemon d(threeWorkers, noRealTime, JackServer::Scheduling::Realtime);
    const pid_t pid = d.process->pid();
    ASSERT_TRUE(d.osc->waitForPong(5s));
    EXPECT_EQ(awaitThreads(pid, "backline-work", 2), 2) << threadStates(pid) << d.process->output();
    EXPECT_EQ(threadPolicy(pid, "backline-work"), SCHED_OTHER) << threadStates(pid);
    EXPECT_NE(d.process->output().find("3 workers run the graph (2 helper thread(s), not real-time)"), std::string::npos)
        << d.process->output();
}
