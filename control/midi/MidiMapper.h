// SPDX-License-Identifier: GPL-3.0-or-later
// MidiMapper: a controller's messages into parameter values and scene recalls by the session's
// mappings — 7-bit and 14-bit controllers, NRPN, notes and program changes, each through its
// curve, with soft takeover — and a value back into the messages that show it on the
// controller (feedback). Plain state, owned by whoever locks it (MidiSurface).
#pragma once

#include "midi/MidiMapping.h"
#include "midi/MidiMessage.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backline::control {

/// A mapping resolved against its parameter: its curve and both ends.
struct BoundMapping {
    midi::MidiMapping mapping;
    midi::MappedRange range; ///< unused for a program change
};

/// What a message asks for.
struct MidiAction {
    enum class Kind {
        Set,    ///< set parameter `target` to `value`
        Recall, ///< recall scene `target`
    };
    Kind kind = Kind::Set;
    std::size_t mapping = 0; ///< the index of the mapping that acted
    std::string target;
    double value = 0.0;
};

class MidiMapper {
public:
    /// How near (in travel, 0 … 1) a knob must come to a parameter's value to pick it up when
    /// it did not cross it: two steps of a 7-bit controller.
    static constexpr double pickupWindow = 2.0 / 127.0;

    /// Replaces the mappings. A control mapped before and after keeps what its knob was doing
    /// (held, engaged, where it stood); a new one waits to pick its value up.
    void setMappings(std::vector<BoundMapping> mappings);
    /// The mappings in order.
    const std::vector<BoundMapping>& mappings() const { return mappings_; }

    /// What message asks for, appended to out. current(address) is the parameter's value now
    /// (for soft takeover and toggles; nullopt: unknown, and the message acts).
    void handle(const midi::MidiMessage& message,
        const std::function<std::optional<double>(const std::string&)>& current, std::vector<MidiAction>& out);
    /// Mapping index's parameter was set by something other than its knob (a tablet, a scene,
    /// another mapping): with pickup, the knob waits until it meets the new value.
    void releasePickup(std::size_t index);
    /// The NRPN selected on channel (0–15) for data entry, or -1.
    int selectedNrpn(int channel) const { return channels_[std::size_t(channel & 15)].nrpn; }
    /// Whether mapping index moves its value along a curve (a knob, a fader), not a button's.
    bool continuousAt(std::size_t index) const;
    /// Whether mapping index waits for its knob to meet the value (soft takeover).
    bool waitingForPickup(std::size_t index) const;

    /// The messages that show value on mapping index's control (a CC, the two of a 14-bit
    /// pair, NRPN's four, a note-on whose velocity lights a pad), appended to out.
    void feedback(std::size_t index, double value, std::vector<midi::MidiMessage>& out) const;

private:
    struct Knob {
        bool engaged = false;             ///< soft takeover met the value
        std::optional<double> lastTravel; ///< where the knob was last
        bool held = false;                ///< a button's last state (CC toggles flip on the press)
    };
    struct Channel {
        std::array<int, 32> msb {};      ///< the latest MSB of each 14-bit pair
        std::uint32_t lsbSeen = 0;       ///< pairs whose LSB has come: their MSB waits for it
        bool dataLsbSeen = false;        ///< NRPN data entry's LSB has come on this channel
        int nrpn = -1;                   ///< the NRPN selected (-1: none, or an RPN)
        int nrpnMsb = -1;                ///< the selected number's MSB while its LSB is awaited
        int nrpnLsb = 0;
        int dataMsb = 0;                 ///< the latest data entry MSB
    };

    /// A continuous or switch value for mapping index from a control at travel (0 … 1);
    /// pressed: a button's state (for toggles and momentary buttons).
    void act(std::size_t index, double travel, bool pressed,
        const std::function<std::optional<double>(const std::string&)>& current, std::vector<MidiAction>& out);
    /// Calls act for every mapping of kind, number and channel.
    void each(midi::MidiSource::Kind kind, int number, int channel, double travel, bool pressed,
        const std::function<std::optional<double>(const std::string&)>& current, std::vector<MidiAction>& out);
    void controlChange(const midi::MidiMessage& message,
        const std::function<std::optional<double>(const std::string&)>& current, std::vector<MidiAction>& out);

    std::vector<BoundMapping> mappings_;
    std::vector<Knob> knobs_;
    std::array<Channel, 16> channels_ {};
};

} // namespace backline::control
