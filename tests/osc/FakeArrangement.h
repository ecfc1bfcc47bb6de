// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/ArrangementPort.h"

#include <fmt/format.h>

#include <mutex>
#include <string>
#include <vector>

namespace backline::test {

/// An arrangement without an engine, for the OSC surface's tests: two songs of two sections,
/// refusals by the real port's rules, and each request remembered in words.
class FakeArrangement final : public port::ArrangementPort {
public:
    Result<std::string> cueSong(std::string_view name, port::JumpWhen when) override
    {
        for (int place = 0; place < int(songs_.size()); ++place)
            if (songs_[std::size_t(place)] == name)
                return cueSong(place, when);
        return makeError(ErrorCode::Param, fmt::format("no song '{}' in the setlist", name));
    }
    Result<std::string> cueSong(int place, port::JumpWhen when) override
    {
        if (place < 0 || place >= int(songs_.size()))
            return makeError(ErrorCode::Param, fmt::format("the setlist has places 0 to 1, got {}", place));
        std::lock_guard lock(mutex_);
        place_ = place;
        return note("cue", songs_[std::size_t(place)], when);
    }
    Result<std::string> nextSong(port::JumpWhen when) override
    {
        if (place_ + 1 >= int(songs_.size()))
            return makeError(ErrorCode::Param, "the setlist's last song is cued: there is no next one");
        return cueSong(place_ + 1, when);
    }
    Result<std::string> prevSong(port::JumpWhen when) override { return cueSong(place_ > 0 ? place_ - 1 : 0, when); }
    Result<std::string> gotoSection(std::string_view name, port::JumpWhen when) override
    {
        if (place_ < 0)
            return makeError(ErrorCode::Param, "no song is cued: cue one first (/setlist/goto)");
        if (name != "verse" && name != "chorus")
            return makeError(ErrorCode::Param, fmt::format("song '{}' has no section '{}'", songs_[std::size_t(place_)], name));
        std::lock_guard lock(mutex_);
        return note("goto", std::string(name), when);
    }
    Result<std::string> nextSection(port::JumpWhen when) override
    {
        if (place_ < 0)
            return makeError(ErrorCode::Param, "no song is cued: cue one first (/setlist/goto)");
        std::lock_guard lock(mutex_);
        return note("next", "chorus", when);
    }
    Result<std::string> prevSection(port::JumpWhen when) override
    {
        if (place_ < 0)
            return makeError(ErrorCode::Param, "no song is cued: cue one first (/setlist/goto)");
        std::lock_guard lock(mutex_);
        return note("prev", "verse", when);
    }
    Result<void> loop(bool on) override
    {
        std::lock_guard lock(mutex_);
        looping_ = on;
        requests_.push_back(fmt::format("loop {}", on ? 1 : 0));
        return {};
    }
    port::ArrangementStatus status() const override
    {
        std::lock_guard lock(mutex_);
        port::ArrangementStatus s;
        s.setlist = songs_;
        s.setlistPlace = place_;
        if (place_ >= 0) {
            s.song = songs_[std::size_t(place_)];
            s.section = "verse";
            s.next = "chorus";
            s.sectionBars = 8;
        }
        s.looping = looping_;
        return s;
    }
    /// What was asked, in order ("cue opener bar", "goto chorus beat", "loop 1").
    std::vector<std::string> requests() const
    {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    std::string note(std::string_view what, std::string target, port::JumpWhen when)
    {
        requests_.push_back(fmt::format("{} {} {}", what, target, port::toString(when)));
        return target;
    }

    const std::vector<std::string> songs_ {"opener", "ballad"};
    mutable std::mutex mutex_;
    int place_ = -1;
    bool looping_ = false;
    std::vector<std::string> requests_;
};

} // namespace backline::test
