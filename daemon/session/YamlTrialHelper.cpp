// SPDX-License-Identifier: GPL-3.0-or-later
// backline-yaml-trial, the helper process session::tryYamlInChild starts: parses the YAML text on
// its standard input with yaml-cpp and says by its exit code whether yaml-cpp finished. It links
// yaml-cpp and nothing of the daemon, so starting it costs the daemon a posix_spawn, never a copy
// of its address space; a text that sends yaml-cpp into a runaway costs this process only.
#include "session/YamlTrialCodes.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define BACKLINE_TRIAL_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BACKLINE_TRIAL_SANITIZED 1
#endif

namespace {

using backline::session::TrialExit;

/// The address space this process may grow by: the runaways allocate without end, and a cap
/// ends them in bad_alloc (exit Died) within moments instead of pressing the machine's memory
/// until the deadline. A session is a few kilobytes; yaml-cpp needs a few megabytes for it.
constexpr rlim_t headroomBytes = rlim_t(256) << 20;

/// Caps the address space at what is mapped now plus headroomBytes. Not under a sanitizer,
/// whose shadow memory is terabytes of reserved address space.
void capMemory()
{
#if defined(BACKLINE_TRIAL_SANITIZED)
    (void)headroomBytes;
#else
    unsigned long pages = 0;
    if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(statm, "%lu", &pages) != 1)
            pages = 0;
        std::fclose(statm);
    }
    if (pages == 0)
        return;
    const rlim_t now = rlim_t(pages) * rlim_t(sysconf(_SC_PAGESIZE));
    rlimit limit {};
    if (getrlimit(RLIMIT_AS, &limit) != 0)
        return;
    const rlim_t cap = now + headroomBytes;
    if (limit.rlim_max != RLIM_INFINITY && cap > limit.rlim_max)
        return;
    limit.rlim_cur = cap;
    (void)setrlimit(RLIMIT_AS, &limit);
#endif
}

} // namespace

int main()
{
    capMemory();
    std::string text;
    char chunk[16384];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
        if (n > 0) {
            text.append(chunk, std::size_t(n));
            continue;
        }
        if (n == 0)
            break;
        if (errno != EINTR)
            return int(TrialExit::NoInput);
    }
    try {
        (void)YAML::LoadAll(text);
    } catch (const YAML::Exception&) {
        return int(TrialExit::Throws);
    } catch (...) {
        return int(TrialExit::Died);
    }
    return int(TrialExit::Parses);
}
