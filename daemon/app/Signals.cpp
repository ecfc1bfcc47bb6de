// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/Signals.h"

#include <csignal>
#include <ctime>
#include <pthread.h>

namespace backline::app {

namespace {

sigset_t controlSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

} // namespace

void blockControlSignals()
{
    const sigset_t set = controlSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalRequest waitForSignal(std::chrono::milliseconds timeout)
{
    const sigset_t set = controlSignals();
    timespec ts {};
    ts.tv_sec = timeout.count() / 1000;
    ts.tv_nsec = (timeout.count() % 1000) * 1000000L;
    const int sig = sigtimedwait(&set, nullptr, &ts);
    if (sig == SIGINT || sig == SIGTERM)
        return SignalRequest::Stop;
    if (sig == SIGHUP)
        return SignalRequest::Reload;
    return SignalRequest::None;
}

} // namespace backline::app
