// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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

protected:
    static Error noRecorder() { return Error {ErrorCode::Engine, "this daemon has no recorder"}; }
};

} // namespace backline::test
