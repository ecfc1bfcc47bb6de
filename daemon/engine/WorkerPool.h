// SPDX-License-Identifier: GPL-3.0-or-later
// WorkerPool: the helper threads that run a graph's nodes beside the audio thread (or an
// offline render's thread), asleep on a semaphore between runs; rt/NodeScheduler shares the
// nodes out.
#pragma once

#include "core/Result.h"
#include "engine/rt/NodeScheduler.h"

#include <atomic>
#include <functional>
#include <memory>
#include <pthread.h>
#include <semaphore.h>
#include <vector>

namespace backline::engine {

/// `workers` threads in all: the thread that runs the engine's blocks and workers - 1
/// helpers. Hand scheduler() to the engine (Engine::useWorkers) while the pool lives.
class WorkerPool {
public:
    /// Starts one helper thread running entry(arg), or fails. The JACK backend's makes a JACK
    /// thread (jack_client_create_thread: real-time at JACK's priority when JACK is).
    using Launch = std::function<Result<pthread_t>(void* (*entry)(void*), void* arg)>;

    /// [control] Starts workers - 1 helpers (workers: 1 … config::maxWorkers) through launch
    /// (default: plain threads at the caller's scheduling). An error names the helper that
    /// could not start; those started are stopped again.
    static Result<std::unique_ptr<WorkerPool>> create(int workers, const Launch& launch = plainThread);
    /// [control] Stops and joins the helpers. No run may be under way.
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    /// Threads that run nodes, the engine's own included.
    int workers() const noexcept { return int(helpers_.size()) + 1; }
    /// What the engine runs its graphs through.
    NodeScheduler& scheduler() noexcept { return *scheduler_; }

    /// [control] One worker per core this process may run on (its CPU affinity: taskset,
    /// systemd's CPUAffinity=, a container's cpuset), at most config::maxWorkers.
    static int defaultWorkers();

    /// [control] A plain pthread at the caller's scheduling.
    static Result<pthread_t> plainThread(void* (*entry)(void*), void* arg);

private:
    struct Helper;
    WorkerPool() = default;
    static void* helperMain(void* helper);
    /// [audio] NodeScheduler's Wake: posts the semaphore count times.
    static void wake(void* self, std::uint32_t count) noexcept BACKLINE_NONBLOCKING;
    void helperLoop(Helper& helper);

    sem_t wake_ {};
    bool semaphoreReady_ = false;
    std::atomic<bool> quit_ {false};
    std::atomic<std::uint32_t> sleeping_ {0}; // helpers in (or about to be in) sem_wait
    std::unique_ptr<NodeScheduler> scheduler_;
    std::vector<std::unique_ptr<Helper>> helpers_;
};

} // namespace backline::engine
