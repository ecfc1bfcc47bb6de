// SPDX-License-Identifier: GPL-3.0-or-later
// RtMidiErrors: RtMidi's error callback, the API mapping and the port lookup by name ([control]).
#include "control/midi/RtMidiErrors.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <optional>

namespace backline::control::midi {

RtMidi::Api rtMidiApi(MidiApi api) noexcept
{
    return api == MidiApi::Alsa ? RtMidi::LINUX_ALSA : RtMidi::UNIX_JACK;
}

void RtMidiErrors::onError(RtMidiError::Type type, const std::string& text, void* self) noexcept
{
    // RtMidi calls this from its own frames: nothing may leave it, not even bad_alloc.
    try {
        if (type == RtMidiError::DEBUG_WARNING) {
            spdlog::debug("RtMidi: {}", text);
            return;
        }
        // The caller of guarded() says what failed, where and what to try, once; the text
        // alone would be a second, vaguer line for the same thing.
        spdlog::debug("RtMidi reports: {}", text);
        auto* errors = static_cast<RtMidiErrors*>(self);
        errors->failed_ = true;
        errors->message_ = text;
    } catch (...) {
        static_cast<RtMidiErrors*>(self)->failed_ = true;
    }
}

Result<unsigned> findPort(RtMidi& rt, RtMidiErrors& errors, const std::string& name)
{
    std::optional<unsigned> index;
    auto looked = guarded(errors, [&] {
        const unsigned count = rt.getPortCount();
        for (unsigned i = 0; i < count && !index; ++i)
            if (rt.getPortName(i) == name)
                index = i;
    });
    if (!looked)
        return looked.error();
    if (!index)
        return makeError(ErrorCode::Midi, fmt::format("'{}' is not there any more", name));
    return *index;
}

} // namespace backline::control::midi
