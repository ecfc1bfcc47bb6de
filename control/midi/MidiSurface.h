// SPDX-License-Identifier: GPL-3.0-or-later
// MidiSurface: MIDI controllers as a surface of the control port, a peer of OSC and the web.
// Messages from the controllers move parameters and recall scenes by the mappings; every
// mapped parameter changed from anywhere is sent back to its controller (rate-limited, never
// mid-gesture); /midi/learn, /midi/map and /midi/unmap edit the mappings live. It knows no
// device: whoever reads the ports hands it messages, and it hands back the bytes to send.
#pragma once

#include "control/midi/MidiMapper.h"
#include "port/ControlPort.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace backline::control {

class MidiSurface final : public port::MidiPort, private port::ChangeListener {
public:
    /// What the session's `midi:` section says of the mappings.
    struct Settings {
        std::vector<midi::MidiMapping> map;
        bool programScenes = true;  ///< a program change with no mapping recalls the scene at its place
        double feedbackRate = 30.0; ///< messages per second per mapping, at most
    };
    /// Sends one message to the controllers (every feedback output). [the flush thread]
    using Send = std::function<void(const midi::MidiMessage&)>;
    /// Tells every surface something (`/midi/learned`). [any]
    using Notify = std::function<void(const port::Notice&)>;
    /// The devices' side of status(): the API, ports and their counters. [any]
    using DeviceStatus = std::function<port::MidiStatus()>;

    /// How long after a controller's last move of a parameter changes made elsewhere are held
    /// back from it: a motorised fader under a finger must not be pushed (the gesture's end
    /// sends the value that is then current).
    static constexpr std::int64_t gestureHoldNs = 250'000'000;
    /// How long /midi/learn waits for a control to move before it gives up.
    static constexpr std::int64_t learnSeconds = 60;

    /// Listens to control's changes from now until destruction.
    MidiSurface(port::ControlPort& control, Send send, Notify notify, DeviceStatus devices);
    ~MidiSurface() override;
    MidiSurface(const MidiSurface&) = delete;
    MidiSurface& operator=(const MidiSurface&) = delete;

    /// [control] Takes the session's settings (at start and after each reload): every mapping
    /// resolved against the parameters and scenes as they are now, the live ones kept where
    /// they still resolve, then each DSP control's own `[midi:ctrl n]` for a controller no
    /// mapping claims. On error (file:line:column is the caller's) nothing changes.
    Result<void> adopt(Settings settings);
    /// [control] The mappings a save should write: the session's and the live ones; the live
    /// ones become the session's once saved (markSaved).
    std::vector<midi::MidiMapping> toSave() const;
    /// [control] saved (what toSave() returned) is in the file now: those live mappings are
    /// the session's (one learned while the file was written stays live).
    void markSaved(const std::vector<midi::MidiMapping>& saved);

    /// [midi input] One message from a controller, stamped when it arrived.
    void receive(const midi::MidiMessage& message, std::int64_t monotonicNs);
    /// [any] Sends every mapped value again at the next flush: a controller was plugged in.
    void resendAll() { refresh_.store(true, std::memory_order_relaxed); }
    /// [feedback] Sends the feedback due at nowNs (CLOCK_MONOTONIC): values changed elsewhere,
    /// once their controller's gesture is over and its rate allows.
    void flush(std::int64_t nowNs);

    // port::MidiPort
    Result<void> learn(std::string_view address) override;
    bool cancelLearn() override;
    Result<void> map(const midi::MidiMapping& mapping) override;
    Result<std::size_t> unmap(std::string_view sourceOrAddress) override;
    std::vector<port::MidiMapEntry> mappings() const override;
    port::MidiStatus status() const override;

private:
    // port::ChangeListener: called on the thread that made the change.
    void paramChanged(const std::string& address, float value, std::int64_t dueNs) override;
    void paramsReset() override;
    void notice(const port::Notice&) override { }

    /// Feedback waiting for mapping i.
    struct Pending {
        std::optional<double> value;
        std::int64_t dueNs = 0;
        std::int64_t lastMoveNs = INT64_MIN / 2; ///< the controller's own last move of it
        std::int64_t lastSentNs = INT64_MIN / 2;
    };
    struct Entry {
        midi::MidiMapping mapping;
        port::MidiMapOrigin origin = port::MidiMapOrigin::Session;
    };
    struct Learn {
        std::string address;
        midi::ParamTraits traits;
        std::int64_t untilNs = 0; ///< CLOCK_MONOTONIC: a learn not answered by then is dropped
    };

    /// [control, no lock] mapping resolved against its parameter (or scene).
    Result<BoundMapping> bind(const midi::MidiMapping& mapping);
    /// [locked] Rebuilds the mapper and the feedback slots for bound (entries_ resolved, in its
    /// order), carrying each unchanged control's state over.
    void rebuildLocked(std::vector<BoundMapping> bound);
    /// [locked] Adds bound as a live mapping in place of every mapping of the same control.
    void putLocked(BoundMapping bound);
    /// [locked] The mapping a learn binds message to, if the message can be learned.
    std::optional<midi::MidiMapping> learnedFrom(const midi::MidiMessage& message) const;
    /// [control, no lock] Reads every mapped parameter's value and queues feedback for each.
    void refreshValues();

    port::ControlPort& control_;
    Send send_;
    Notify notify_;
    DeviceStatus devices_;

    mutable std::mutex mutex_; // never held while calling into the control port
    std::vector<Entry> entries_;
    std::vector<BoundMapping> bound_; // entries_ resolved, in the same order
    MidiMapper mapper_;
    std::vector<Pending> pending_;
    std::unordered_map<std::string, double> values_; // mapped parameters' latest values
    std::optional<Learn> learning_;
    bool programScenes_ = true;
    std::int64_t feedbackIntervalNs_ = 33'333'333;
    std::atomic<bool> refresh_ {false}; // a new graph: values to read again, feedback for all

    std::atomic<std::uint64_t> feedbackSent_ {0};
};

} // namespace backline::control
