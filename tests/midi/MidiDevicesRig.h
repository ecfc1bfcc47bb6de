// SPDX-License-Identifier: GPL-3.0-or-later
// What the MidiDevices tests share: a sink that keeps what it gets, options for a jackd dummy
// server, and how a failing check prints a message.
#pragma once

#include "control/midi/MidiDevices.h"

#include "../integration/Harness.h"
#include "WaitFor.h"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace backline::midi {

/// GoogleTest prints a message as its bytes: "[90 3c 64]".
inline void PrintTo(const MidiMessage& m, std::ostream* os)
{
    *os << '[';
    for (int i = 0; i < m.size && i < 3; ++i) {
        char hex[4];
        std::snprintf(hex, sizeof hex, i == 0 ? "%02x" : " %02x", m.bytes[i]);
        *os << hex;
    }
    *os << ']';
}

} // namespace backline::midi

namespace backline::test {

/// The RtMidi client name the tests give MidiDevices: JACK shows "bltest-midi", "bltest-midi-01"…
inline const std::string ourClient = "bltest-midi";

/// CLOCK_MONOTONIC now, in nanoseconds (what MidiArrival::monotonicNs counts).
inline std::int64_t monotonicNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// What the sink got, copied out of the midi-in thread.
struct Got {
    std::string port;
    std::uint32_t portId = 0;
    midi::MidiMessage message;
    std::int64_t ns = 0;
};

/// A sink that keeps everything, for the test thread to look at.
class Collector {
public:
    control::midi::MidiDevices::Sink sink()
    {
        return [this](const control::midi::MidiArrival& a) {
            std::lock_guard lock(mutex_);
            got_.push_back(Got {std::string(a.portName), a.portId, a.message, a.monotonicNs});
        };
    }
    std::vector<Got> got() const
    {
        std::lock_guard lock(mutex_);
        return got_;
    }
    /// Waits until at least n messages came.
    bool waitFor(std::size_t n) const
    {
        return test::waitFor([&] { return got().size() >= n; });
    }

private:
    mutable std::mutex mutex_;
    std::vector<Got> got_;
};

/// Options for the JACK API on jack, with these patterns.
inline control::midi::MidiDevices::Options jackOptions(const JackServer& jack, std::vector<std::string> inputs,
    std::vector<std::string> outputs = {})
{
    control::midi::MidiDevices::Options o;
    o.api = control::midi::MidiApi::Jack;
    o.clientName = ourClient;
    o.inputPatterns = std::move(inputs);
    o.outputPatterns = std::move(outputs);
    o.jackServer = jack.name();
    return o;
}

/// MidiDevices delivering into collector; throws what create() says when it fails.
inline std::unique_ptr<control::midi::MidiDevices> makeDevices(control::midi::MidiDevices::Options options,
    Collector& collector)
{
    auto devices = control::midi::MidiDevices::create(std::move(options), collector.sink());
    if (!devices)
        throw std::runtime_error(devices.error().message);
    return std::move(devices.value());
}

/// The messages alone, in the order they came.
inline std::vector<midi::MidiMessage> messages(const std::vector<Got>& got)
{
    std::vector<midi::MidiMessage> out;
    for (const Got& g : got)
        out.push_back(g.message);
    return out;
}

/// A one-byte system realtime message (kind::clock, kind::start…).
inline midi::MidiMessage realtime(std::uint8_t status)
{
    midi::MidiMessage m;
    m.bytes[0] = status;
    m.size = 1;
    return m;
}

} // namespace backline::test
