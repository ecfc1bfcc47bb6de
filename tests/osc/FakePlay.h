// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "port/PlayPort.h"

#include <fmt/format.h>

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace backline::test {

/// The instruments of the fake daemon: one instrument track, `keys`, that remembers what it
/// was asked to play (the OSC tests check the routes, the engine tests the sound).
class FakePlay final : public port::PlayPort {
public:
    struct Call {
        std::string what; ///< "note", "allnotesoff", "panic"
        std::string track;
        int note = 0;
        double velocity = 0.0;
        std::uint64_t atFrame = 0;
    };

    Result<void> note(std::string_view track, int note, double velocity, std::uint64_t atFrame) override
    {
        if (track != "keys")
            return makeError(ErrorCode::Param, fmt::format("no instrument track '{}' (it has: keys)", track));
        return remember({"note", std::string(track), note, velocity, atFrame});
    }
    Result<void> notes(std::span<const port::Note> notes, std::uint64_t atFrame) override
    {
        for (const auto& n : notes)
            if (auto r = check(n.track); !r)
                return r;
        for (const auto& n : notes)
            (void)remember({"note", n.track, n.note, n.velocity, atFrame});
        return {};
    }
    Result<void> check(std::string_view track) const override
    {
        if (track != "keys")
            return makeError(ErrorCode::Param, fmt::format("no instrument track '{}' (it has: keys)", track));
        return {};
    }
    Result<void> allNotesOff(std::string_view track, std::uint64_t atFrame) override
    {
        if (track != "keys")
            return makeError(ErrorCode::Param, fmt::format("no instrument track '{}' (it has: keys)", track));
        return remember({"allnotesoff", std::string(track), 0, 0.0, atFrame});
    }
    Result<void> midi(std::string_view track, const midi::MidiMessage& message, std::uint64_t atFrame) override
    {
        if (track != "keys")
            return makeError(ErrorCode::Param, fmt::format("no instrument track '{}' (it has: keys)", track));
        return remember({"midi", std::string(track), message.bytes[1], double(message.bytes[2]) / 127.0, atFrame});
    }
    Result<void> panic() override { return remember({"panic", "", 0, 0.0, 0}); }
    std::vector<std::string> instruments() const override { return {"keys"}; }

    std::vector<Call> calls()
    {
        std::lock_guard lock(mutex_);
        return calls_;
    }

private:
    Result<void> remember(Call call)
    {
        std::lock_guard lock(mutex_);
        calls_.push_back(std::move(call));
        return {};
    }

    std::mutex mutex_;
    std::vector<Call> calls_;
};

} // namespace backline::test
