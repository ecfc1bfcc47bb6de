// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/osc/ClientTable.h"
#include "control/osc/OscWriter.h"
#include "port/Meters.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace backline::control {

/// Turns meter readings into the packets /meters/subscribe streams, in each format. [osc]
class MeterStream {
public:
    /// Takes a new reading; packets are built from it on demand. The layout (the meters' names
    /// in order) gets a new id whenever it changes, e.g. after a session reload.
    void update(port::MeterSnapshot snapshot);
    /// The id of the current layout (1 for the first).
    std::uint64_t layoutId() const noexcept { return layoutId_; }

    /// The messages of one reading in format (without the sequence header), in order.
    const std::vector<OscReply>& messages(MeterFormat format);
    /// `/meters/names i:layout s:name…`: the order of the blob's meters.
    OscReply names() const;
    /// The blob of the Blob format (layout in control/OSC.md).
    const std::vector<std::uint8_t>& blob();

    /// "levels" / "single" / "blob".
    static const char* formatName(MeterFormat format);
    /// The format named, if any.
    static std::optional<MeterFormat> parseFormat(std::string_view name);

private:
    port::MeterSnapshot snapshot_;
    std::vector<std::string> names_;
    std::uint64_t layoutId_ = 0;
    std::optional<std::vector<OscReply>> levels_;
    std::optional<std::vector<OscReply>> single_;
    std::optional<std::vector<std::uint8_t>> blob_;
};

/// Levels go out as floats; silence (-inf) is sent as -200 so every client can parse it.
float dbArg(double db);

} // namespace backline::control
