// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/JobRunner.h"

#include "control/osc/OscDispatcher.h"

#include <fmt/format.h>
#include <pthread.h>

namespace backline::control {

JobRunner::JobRunner(std::function<void()> wake)
    : wake_(std::move(wake))
    , thread_([this] { run(); })
{
}

void JobRunner::stop()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();
    }
    work_.notify_one();
    if (thread_.joinable())
        thread_.join();
}

bool JobRunner::submit(const Endpoint& to, Job job)
{
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= capacity)
            return false;
        queue_.emplace_back(to, std::move(job));
    }
    work_.notify_one();
    return true;
}

std::vector<JobRunner::Done> JobRunner::takeDone()
{
    std::lock_guard lock(mutex_);
    std::vector<Done> out;
    out.swap(done_);
    return out;
}

bool JobRunner::hasDone()
{
    std::lock_guard lock(mutex_);
    return !done_.empty();
}

void JobRunner::run()
{
    pthread_setname_np(pthread_self(), "backline-osc-job");
    std::unique_lock lock(mutex_);
    for (;;) {
        work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_)
            return;
        auto [to, job] = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        Done done {to, {}};
        // No exception may leave this thread: a failure is the job's /error.
        try {
            done.replies = job();
        } catch (const std::exception& e) {
            done.replies.push_back(errorReply("#job", fmt::format("internal error: {}", e.what())));
        }
        lock.lock();
        done_.push_back(std::move(done));
        lock.unlock();
        wake_();
        lock.lock();
    }
}

} // namespace backline::control
