// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/YamlTrial.h"

#include <yaml-cpp/yaml.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace backline::session {

namespace {
std::atomic<bool> trialOn {true};
} // namespace

void enableYamlTrial(bool on)
{
    trialOn.store(on, std::memory_order_relaxed);
}

YamlTrial tryYamlInChild(const std::string& text, std::chrono::milliseconds limit)
{
    if (!trialOn.load(std::memory_order_relaxed))
        return YamlTrial::NotTried;
    const pid_t child = ::fork();
    if (child < 0)
        return YamlTrial::NotTried;
    if (child == 0) {
        // The child only parses and leaves with _exit: no atexit handlers, no flushing of the
        // parent's buffers, no leak report (glibc's malloc is usable after fork).
        int code = 0;
        try {
            (void)YAML::LoadAll(text);
        } catch (const YAML::Exception&) {
            code = 1;
        } catch (...) {
            code = 2;
        }
        ::_exit(code);
    }
    // The parent keeps the clock: the child inherits signal masks (the daemon blocks signals
    // for its own handling), so an alarm in the child could not be relied on.
    const auto deadline = std::chrono::steady_clock::now() + limit;
    auto pause = std::chrono::microseconds(100);
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(child, &status, WNOHANG);
        if (r == child) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return YamlTrial::Parses;
            if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
                return YamlTrial::Throws;
            return YamlTrial::RunsAway;
        }
        if (r < 0 && errno != EINTR)
            return YamlTrial::NotTried;
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(child, SIGKILL);
            while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
            }
            return YamlTrial::RunsAway;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(10));
    }
}

} // namespace backline::session
