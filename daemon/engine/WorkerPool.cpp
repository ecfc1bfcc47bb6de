// SPDX-License-Identifier: GPL-3.0-or-later
// The helper threads that run a graph's nodes (see WorkerPool.h).
#include "engine/WorkerPool.h"

#include "core/Config.h"
#include "engine/AudioBuffer.h"

#include <algorithm>
#include <cerrno>
#include <sched.h>
#include <cstring>
#include <fmt/format.h>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace backline::engine {

/// A helper thread and the scratch its nodes write.
struct WorkerPool::Helper {
    WorkerPool* pool = nullptr;
    pthread_t thread {};
    AudioBuffer gains {2, config::maxBlockFrames};
};

int WorkerPool::defaultWorkers()
{
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    int count = 1;
    if (sched_getaffinity(0, sizeof cpus, &cpus) == 0)
        count = CPU_COUNT(&cpus);
    return std::clamp(count, 1, config::maxWorkers);
}

Result<pthread_t> WorkerPool::plainThread(void* (*entry)(void*), void* arg)
{
    pthread_t thread {};
    if (const int rc = pthread_create(&thread, nullptr, entry, arg); rc != 0)
        return makeError(ErrorCode::Engine, fmt::format("cannot start a worker thread: {}", std::strerror(rc)));
    return thread;
}

Result<std::unique_ptr<WorkerPool>> WorkerPool::create(int workers, const Launch& launch)
{
    if (workers < 1 || workers > config::maxWorkers)
        return makeError(ErrorCode::Engine, fmt::format("workers must be from 1 to {}, got {}", config::maxWorkers, workers));
    std::unique_ptr<WorkerPool> pool(new WorkerPool());
    if (sem_init(&pool->wake_, 0, 0) != 0)
        return makeError(ErrorCode::Engine, fmt::format("cannot make the workers' semaphore: {}", std::strerror(errno)));
    pool->semaphoreReady_ = true;
    pool->scheduler_ = std::make_unique<NodeScheduler>(std::uint32_t(workers - 1), &WorkerPool::wake, pool.get());
    for (int i = 1; i < workers; ++i) {
        auto helper = std::make_unique<Helper>();
        helper->pool = pool.get();
        auto thread = launch(&WorkerPool::helperMain, helper.get());
        if (!thread)
            return makeError(thread.error().code, fmt::format("worker {} of {}: {}", i + 1, workers, thread.error().message));
        helper->thread = *thread;
        pool->helpers_.push_back(std::move(helper));
    }
    return pool;
}

WorkerPool::~WorkerPool()
{
    quit_.store(true, std::memory_order_release); // pairs with the helpers' acquire once woken
    for (std::size_t i = 0; i < helpers_.size(); ++i)
        sem_post(&wake_);
    for (auto& helper : helpers_)
        pthread_join(helper->thread, nullptr);
    if (semaphoreReady_)
        sem_destroy(&wake_);
}

void WorkerPool::wake(void* self, std::uint32_t count) noexcept
{
    auto* pool = static_cast<WorkerPool*>(self);
    // Only as many posts as helpers sleep: one still awake from the last run looks for the new
    // one before it sleeps again, and the semaphore does not pile up posts nobody takes.
    count = std::min(count, pool->sleeping_.load(std::memory_order_acquire));
    for (std::uint32_t i = 0; i < count; ++i)
        // Audited: glibc's sem_post is an atomic add and, when a helper sleeps, one FUTEX_WAKE;
        // it never waits (RealtimeSanitizer agrees: it does not intercept it).
        BACKLINE_AUDITED_NONBLOCKING(sem_post(&pool->wake_));
}

void* WorkerPool::helperMain(void* helper)
{
    auto* h = static_cast<Helper*>(helper);
    h->pool->helperLoop(*h);
    return nullptr;
}

void WorkerPool::helperLoop(Helper& helper)
{
#if defined(__SSE__)
    // The engine runs its nodes with denormals flushed (GraphRunner): so must every helper, or
    // the same node would give other bits on another thread.
    _mm_setcsr(_mm_getcsr() | 0x8040); // FTZ | DAZ
#endif
    pthread_setname_np(pthread_self(), "backline-work");
    const NodeScratch scratch {{helper.gains.channel(0), helper.gains.channel(1)}};
    std::uint32_t seen = 0;
    for (;;) {
        scheduler_->help(scratch, seen); // a run that opened while this helper was awake
        sleeping_.fetch_add(1, std::memory_order_acq_rel);
        while (sem_wait(&wake_) != 0 && errno == EINTR) {
        }
        sleeping_.fetch_sub(1, std::memory_order_acq_rel);
        if (quit_.load(std::memory_order_acquire))
            return;
        scheduler_->help(scratch, seen);
    }
}

} // namespace backline::engine
