// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/Notice.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace backline::port {

/// Told of every parameter change, whoever made it (a surface, a scene, a reload), and of every
/// notice. Called on the thread that made the change, after it is queued for the audio thread:
/// an implementation must be quick and must not call back into the port.
class ChangeListener {
public:
    virtual ~ChangeListener() = default;
    /// address took value; it is heard from CLOCK_MONOTONIC dueNs on (0: the next block), so a
    /// change timed for the future is shown when it sounds.
    virtual void paramChanged(const std::string& address, float value, std::int64_t dueNs) = 0;
    /// [control] A new graph was installed: every parameter may have changed.
    virtual void paramsReset() = 0;
    /// [any thread, including the disk thread: must not wait] Something surfaces should hear.
    virtual void notice(const Notice& notice) = 0;
};

/// The port's registry of listeners, shared by everything that changes parameters or posts
/// notices. [any control thread; never the audio thread]
class Listeners {
public:
    /// Adds a listener (kept until removed; it must outlive its registration).
    void add(ChangeListener* listener);
    /// Removes a listener added before; once this returns it is not called again.
    void remove(ChangeListener* listener);

    /// Tells every listener of changes heard from dueNs on (0: the next block).
    void changed(const std::vector<std::pair<std::string, float>>& changes, std::int64_t dueNs);
    /// Tells every listener that every parameter may have changed.
    void reset();
    /// Tells every listener of a notice.
    void notice(const Notice& notice);

private:
    std::mutex mutex_; // held while listeners are called, so remove() waits for a call in flight
    std::vector<ChangeListener*> listeners_;
};

} // namespace backline::port
