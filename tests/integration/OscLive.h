// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "LiveDaemon.h"
#include "RawOscClient.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

/// Helpers for the OSC surface's black-box tests: backlined on jackd dummy, real sockets.
namespace backline::test {

/// Three mono tracks of DC (tests/data/faust/dc_level.dsp, engine-smoothed) that sum to
/// silence: a at +0.6, b and c at 0.3 with their polarity inverted. Moving all three in
/// proportion keeps the sum at zero only if every ramp starts on the same frame.
inline std::string cancellingDcSession()
{
    const std::string dc = std::string(BACKLINE_TEST_DATA_DIR) + "/faust/dc_level.dsp";
    return R"(backline: 1
name: dc
tracks:
  - name: a
    dsp: )" + dc + R"(
    params: {level: 0.6}
  - name: b
    dsp: )" + dc + R"(
    params: {level: 0.3}
    strip: {polarity: 1}
  - name: c
    dsp: )" + dc + R"(
    params: {level: 0.3}
    strip: {polarity: 1}
)";
}

/// One mono DC track at 0, to see exactly when a change lands.
inline std::string silentDcSession(const std::string& oscExtra = "")
{
    const std::string dc = std::string(BACKLINE_TEST_DATA_DIR) + "/faust/dc_level.dsp";
    return "backline: 1\nname: dc\n" + oscExtra + "tracks:\n  - name: dc\n    dsp: " + dc + "\n    params: {level: 0}\n";
}

/// A session with buses, for the address-space tests.
inline const char* busSessionYaml = R"(backline: 1
name: buses
tracks:
  - name: vox
    dsp: tone
    params: {freq: 440, level: -20}
    sends: [{bus: verb, level: -12}]
    output: grp
  - name: keys
    channels: 2
buses:
  - name: verb
    kind: aux
    dsp: reverb
  - name: grp
    kind: group
)";

/// Sends /subscribe (with args) and reads the ack and the snapshot; returns the snapshot's
/// values by address (empty when it did not come).
inline std::map<std::string, float> subscribeAndReadSnapshot(RawOscClient& c, std::vector<control::OscReply::Arg> args = {})
{
    c.send("/subscribe", std::move(args));
    std::map<std::string, float> values;
    if (!c.receiveAddress("/subscribed"))
        return values;
    bool begun = false;
    while (auto m = c.receive()) {
        if (m->address == "/snapshot/begin")
            begun = true;
        else if (m->address == "/snapshot/end")
            break;
        else if (begun && m->address != "/feedback/seq")
            values[m->address] = float(m->number(0));
    }
    return values;
}

/// Asks /status; its messages by address ("/status", "/status/osc/subscribers", …), all of
/// the answer (it comes before the /pong of a ping sent after it), or empty when none came.
inline std::map<std::string, RawMessage> readStatus(RawOscClient& c)
{
    c.send("/status");
    std::map<std::string, RawMessage> fields;
    if (auto got = c.receiveUntilPong())
        for (auto& m : *got)
            if (m.address == "/status" || m.address.starts_with("/status/"))
                fields[m.address] = std::move(m);
    return fields;
}

/// The largest magnitude among samples x.
inline float peakAbs(const std::vector<float>& x)
{
    float peak = 0.0f;
    for (float v : x)
        peak = std::max(peak, std::fabs(v));
    return peak;
}

/// Every /state/param address and value.
inline std::map<std::string, float> readState(RawOscClient& c)
{
    c.send("/state");
    std::map<std::string, float> values;
    while (auto m = c.receive()) {
        if (m->address == "/state/end")
            break;
        if (m->address == "/state/param")
            values[m->text(0)] = float(m->number(1));
    }
    return values;
}

} // namespace backline::test
