// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/MemoryRelease.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <malloc.h>
#include <unistd.h>

namespace backline::app {

namespace {

std::int64_t steadyNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// The process's resident memory in KB (VmRSS), or 0.
long residentKb()
{
    long pages = 0;
    long resident = 0;
    if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(statm);
    }
    return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

} // namespace

void MemoryRelease::want()
{
    afterNs_.store(steadyNowNs() + 250'000'000, std::memory_order_relaxed);
}

void MemoryRelease::releaseIfDue(engine::Engine& engine)
{
    const std::int64_t after = afterNs_.load(std::memory_order_relaxed);
    const std::int64_t now = steadyNowNs();
    if (after == 0 || now < after || engine.crossfading())
        return;
    // A load on another thread may ask again meanwhile: then it runs again after that one.
    std::int64_t expected = after;
    afterNs_.compare_exchange_strong(expected, 0, std::memory_order_relaxed);
    engine.collectGarbage();
    const long before = residentKb();
    ::malloc_trim(0);
    spdlog::debug("malloc_trim handed {} MB of freed memory back to the system in {:.1f} ms",
        (before - residentKb()) / 1024, double(steadyNowNs() - now) / 1e6);
}

} // namespace backline::app
