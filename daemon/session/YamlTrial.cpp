// SPDX-License-Identifier: GPL-3.0-or-later
// The trial parse of a session text in the backline-yaml-trial helper process, on the thread that
// loads the session (main or the OSC job thread); see YamlTrial.h for why it is a spawn.
#include "session/YamlTrial.h"

#include "session/YamlTrialCodes.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace backline::session {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> trialOn {true};

constexpr const char* helperName = "backline-yaml-trial";

bool executable(const fs::path& path)
{
    std::error_code ec;
    return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

/// A file descriptor closed when it goes out of scope.
struct Fd {
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

/// The text in an anonymous in-memory file, read from its start: the helper's standard input.
/// A pipe would need a writer while the helper reads; this is written whole before the spawn.
int textFile(const std::string& text)
{
    const int fd = ::memfd_create(helperName, MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ::close(fd);
            return -1;
        }
        done += std::size_t(n);
    }
    if (::lseek(fd, 0, SEEK_SET) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

/// Starts the helper on input; its pid, or -1. posix_spawn never forks the caller: glibc
/// clones with CLONE_VM | CLONE_VFORK, so the page tables are shared until the exec.
pid_t spawnHelper(const fs::path& helper, int input)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    if (posix_spawn_file_actions_init(&actions) != 0)
        return -1;
    if (posix_spawnattr_init(&attr) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return -1;
    }
    posix_spawn_file_actions_adddup2(&actions, input, STDIN_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // The daemon's sockets, JACK's descriptors and the take files stay with the daemon.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
#endif
    // The daemon blocks its stop and reload signals for sigwait, and a caller may run at a
    // real-time priority: the helper starts with neither.
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    sched_param normal {};
    normal.sched_priority = 0;
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setschedpolicy(&attr, SCHED_OTHER);
    posix_spawnattr_setschedparam(&attr, &normal);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSCHEDULER);
    std::string path = helper.string();
    char* argv[] = {path.data(), nullptr};
    pid_t child = -1;
    const int rc = posix_spawn(&child, path.c_str(), &actions, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? child : -1;
}

YamlTrial verdict(int status)
{
    if (!WIFEXITED(status))
        return YamlTrial::RunsAway; // killed: by a signal of its own (a crash), not ours
    switch (WEXITSTATUS(status)) {
    case int(TrialExit::Parses):
        return YamlTrial::Parses;
    case int(TrialExit::Throws):
        return YamlTrial::Throws;
    case int(TrialExit::NoInput):
        return YamlTrial::NotTried;
    default:
        return YamlTrial::RunsAway; // out of its memory cap, or dead of something else
    }
}

} // namespace

void enableYamlTrial(bool on)
{
    trialOn.store(on, std::memory_order_relaxed);
}

const std::optional<fs::path>& yamlTrialHelper()
{
    static const std::optional<fs::path> found = []() -> std::optional<fs::path> {
        std::error_code ec;
        const fs::path self = fs::read_symlink("/proc/self/exe", ec);
        if (!ec) {
            const fs::path dir = self.parent_path();
            for (const fs::path& candidate : {dir / ".." / "libexec" / "backline" / helperName, dir / helperName})
                if (executable(candidate))
                    return candidate.lexically_normal();
        }
#ifdef BACKLINE_YAML_TRIAL_BUILD_PATH
        if (const fs::path built = BACKLINE_YAML_TRIAL_BUILD_PATH; executable(built))
            return built;
#endif
        return std::nullopt;
    }();
    return found;
}

YamlTrial tryYamlInChild(const std::string& text, std::chrono::milliseconds limit)
{
    if (!trialOn.load(std::memory_order_relaxed))
        return YamlTrial::NotTried;
    const auto& helper = yamlTrialHelper();
    if (!helper)
        return YamlTrial::NotTried;
    const Fd input {textFile(text)};
    if (input.fd < 0)
        return YamlTrial::NotTried;
    const pid_t child = spawnHelper(*helper, input.fd);
    if (child < 0)
        return YamlTrial::NotTried;
    // The parent keeps the clock: the helper could be stopped or starved, and only a kill from
    // outside is sure to end it.
    const auto deadline = std::chrono::steady_clock::now() + limit;
    auto pause = std::chrono::microseconds(100);
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(child, &status, WNOHANG);
        if (r == child)
            return verdict(status);
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
