// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ClientTable.h"
#include "control/osc/OscReply.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace backline::control {

/// Runs the requests that take long (a session reload compiles Faust for seconds; a take's stop
/// syncs its files) on a thread of its own ("backline-osc-job"), one at a time, so the OSC
/// thread keeps answering everyone else. Their replies are collected by the OSC thread.
class JobRunner {
public:
    using Job = std::function<std::vector<OscReply>()>;
    struct Done {
        Endpoint to;
        std::vector<OscReply> replies;
    };

    /// wake is called (on the job thread) when a job is done.
    explicit JobRunner(std::function<void()> wake);
    /// Waits for the job under way, drops those queued.
    ~JobRunner() { stop(); }
    /// [control] As the destructor, earlier (idempotent).
    void stop();
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    /// [osc] Queues a job whose replies go to `to`; false when capacity jobs already wait.
    bool submit(const Endpoint& to, Job job);
    /// [osc] The jobs finished since the last call.
    std::vector<Done> takeDone();
    /// [osc] Whether finished jobs wait to be taken.
    bool hasDone();

    static constexpr std::size_t capacity = 16;

private:
    void run();

    std::function<void()> wake_;
    std::mutex mutex_; // guards everything below
    std::condition_variable work_;
    std::deque<std::pair<Endpoint, Job>> queue_;
    std::vector<Done> done_;
    bool stopping_ = false;
    std::thread thread_;
};

} // namespace backline::control
