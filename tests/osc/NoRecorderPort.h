// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>

#include "port/ControlPort.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backline::test {

/// A control port without a recorder, as the test targets, the fuzzer's and the benchmark's
/// are: every record request answers as the daemon does when it has none.
class NoRecorderPort : public port::ControlPort {
public:
    Result<std::string> recordStart(std::string_view) override { return noRecorder(); }
    Result<void> recordStop() override { return noRecorder(); }
    Result<void> recordMarker(std::string_view, std::optional<std::uint64_t>) override { return noRecorder(); }
    Result<port::RecorderStatus> recordStatus() override { return noRecorder(); }
    Result<void> setRecordSources(std::vector<std::string>) override { return noRecorder(); }
    std::vector<std::string> recordSources() override { return {}; }

    // Auto-connect rules without JACK: kept in a list, holding no connection.
    std::vector<port::ConnectionState> connections() override
    {
        std::vector<port::ConnectionState> states;
        for (const auto& rule : rules_)
            states.push_back({rule, 0});
        return states;
    }
    Result<std::size_t> addConnection(const port::ConnectionRule& rule) override
    {
        if (std::find(rules_.begin(), rules_.end(), rule) != rules_.end())
            return Error {ErrorCode::Session, "the rule is there already"};
        rules_.push_back(rule);
        return std::size_t {0};
    }
    Result<void> removeConnection(const port::ConnectionRule& rule) override
    {
        const auto it = std::find(rules_.begin(), rules_.end(), rule);
        if (it == rules_.end())
            return Error {ErrorCode::Session, "there is no such rule"};
        rules_.erase(it);
        return {};
    }

protected:
    static Error noRecorder() { return Error {ErrorCode::Engine, "this daemon has no recorder"}; }

private:
    std::vector<port::ConnectionRule> rules_;
};

} // namespace backline::test
