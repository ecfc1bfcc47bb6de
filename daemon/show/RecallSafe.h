// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace backline::show {

/// The recall-safe globs: parameters a recall or an undo never changes (a singer's gain stays
/// where the engineer put it). An ordered list of globs, each on or off; where several match an
/// address the last one set wins, so `/track/vox 1` then `/track/vox/gain 0` keeps all of vox
/// safe but its gain. [control; the owner locks]
class RecallSafe {
public:
    /// Sets glob on or off, as the latest word on what it matches.
    void set(std::string glob, bool on);
    /// Whether a recall must leave address alone.
    bool covers(std::string_view address) const;
    /// The globs in the order they were set, each with whether it is on.
    const std::vector<std::pair<std::string, bool>>& entries() const noexcept { return entries_; }
    void clear() { entries_.clear(); }

private:
    std::vector<std::pair<std::string, bool>> entries_;
};

} // namespace backline::show
