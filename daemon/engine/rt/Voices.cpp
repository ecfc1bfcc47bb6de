// SPDX-License-Identifier: GPL-3.0-or-later
// The voice allocator (see Voices.h).
#include "engine/rt/Voices.h"

#include "core/Config.h"

#include <algorithm>

namespace backline::engine {

void Voices::prepare(std::uint32_t polyphony, VoiceMode mode, std::uint32_t stealFadeFrames, std::uint32_t quietFrames)
{
    mode_ = mode;
    polyphony_ = mode == VoiceMode::Poly ? std::max<std::uint32_t>(polyphony, 1) : 1;
    voices_.assign(std::size_t(polyphony_) * 2, Voice {});
    stealFade_ = stealFadeFrames;
    quietFrames_ = std::max<std::uint32_t>(quietFrames, 1);
    reset();
}

void Voices::reset() noexcept
{
    for (auto& v : voices_)
        v = Voice {};
    pedal_ = false;
    bend_ = 0.0f;
    numKeys_ = 0;
}

std::size_t Voices::sounding() const noexcept
{
    std::size_t n = 0;
    for (const auto& v : voices_)
        n += v.state != Voice::State::Free;
    return n;
}

bool Voices::releaseWaiting() const noexcept
{
    for (const auto& v : voices_)
        if (v.releaseDue)
            return true;
    return false;
}

void Voices::releaseDue() noexcept
{
    for (auto& v : voices_) {
        if (v.releaseDue && !v.start) {
            v.releaseDue = false;
            letGo(v);
        }
    }
}

void Voices::apply(const VoiceEvent& event) noexcept
{
    const std::uint8_t note = event.note & 0x7f; // a note past 127 cannot reach here, but never index with one
    switch (event.kind) {
    case VoiceEvent::Kind::NoteOn:
        if (event.value > 0.0f)
            noteOn(note, std::min(event.value, 1.0f));
        else
            noteOff(note);
        break;
    case VoiceEvent::Kind::NoteOff:
        noteOff(note);
        break;
    case VoiceEvent::Kind::Sustain:
        sustain(event.value >= 0.5f);
        break;
    case VoiceEvent::Kind::Bend:
        bend_ = std::clamp(event.value, -1.0f, 1.0f);
        break;
    case VoiceEvent::Kind::AllNotesOff:
        releaseAll();
        break;
    case VoiceEvent::Kind::Panic:
        releaseAll();
        bend_ = 0.0f;
        break;
    }
}

void Voices::after(std::size_t index, std::uint32_t n, float peak) noexcept
{
    Voice& v = voices_[index];
    if (v.state == Voice::State::Stolen) {
        v.fadeLeft = n >= v.fadeLeft ? 0 : v.fadeLeft - n;
        if (v.fadeLeft == 0)
            v = Voice {};
    } else if (v.state == Voice::State::Released) {
        v.quiet = peak < config::silenceFloor ? v.quiet + n : 0;
        if (v.quiet >= quietFrames_)
            v = Voice {};
    }
}

void Voices::noteOn(std::uint8_t note, float velocity) noexcept
{
    if (mode_ == VoiceMode::Poly) {
        start(note, velocity);
        return;
    }
    pushKey(note);
    Voice* now = playing();
    if (now && mode_ == VoiceMode::Legato) {
        now->note = note; // the same voice glides on: no new attack
        now->state = Voice::State::Held; // its key is down now, whatever the pedal held before
        return;
    }
    start(note, velocity);
}

void Voices::noteOff(std::uint8_t note) noexcept
{
    if (mode_ == VoiceMode::Poly) {
        Voice* oldest = nullptr;
        for (auto& v : voices_)
            if (v.state == Voice::State::Held && v.note == note && (!oldest || v.age < oldest->age))
                oldest = &v;
        if (oldest)
            letGo(*oldest);
        return;
    }
    dropKey(note);
    Voice* now = playing();
    if (!now || now->state != Voice::State::Held || now->note != note)
        return; // not the key that plays: the note goes on
    if (numKeys_ == 0) {
        letGo(*now);
        return;
    }
    const std::uint8_t back = keys_[numKeys_ - 1]; // the key held before it plays again
    if (mode_ == VoiceMode::Legato)
        now->note = back;
    else
        start(back, now->velocity);
}

void Voices::sustain(bool down) noexcept
{
    pedal_ = down;
    if (down)
        return;
    for (auto& v : voices_) {
        if (v.state == Voice::State::Sustained) {
            v.state = Voice::State::Released;
            v.released = ++clock_;
            v.quiet = 0;
        }
    }
}

void Voices::releaseAll() noexcept
{
    pedal_ = false;
    numKeys_ = 0;
    for (auto& v : voices_) {
        if (v.start && v.state == Voice::State::Held) {
            v.releaseDue = true; // not heard yet: after its first frame
        } else if (v.state == Voice::State::Held || v.state == Voice::State::Sustained) {
            v.state = Voice::State::Released;
            v.released = ++clock_;
            v.quiet = 0;
        }
    }
}

void Voices::letGo(Voice& v) noexcept
{
    if (v.start) {
        v.releaseDue = true; // not heard yet: released after its first frame
        return;
    }
    v.state = pedal_ ? Voice::State::Sustained : Voice::State::Released;
    v.released = ++clock_;
    v.quiet = 0;
}

void Voices::start(std::uint8_t note, float velocity) noexcept
{
    std::size_t busy = 0;
    for (const auto& v : voices_)
        busy += v.state != Voice::State::Free && v.state != Voice::State::Stolen;
    if (busy >= polyphony_)
        if (Voice* v = victim())
            steal(*v);
    Voice& slot = freeSlot();
    slot = Voice {};
    slot.state = Voice::State::Held;
    slot.note = note;
    slot.velocity = velocity;
    slot.age = ++clock_;
    slot.start = true;
}

void Voices::steal(Voice& v) noexcept
{
    ++steals_;
    if (stealFade_ == 0) {
        v = Voice {};
        return;
    }
    v.state = Voice::State::Stolen;
    v.fadeLeft = stealFade_;
}

Voice* Voices::victim() noexcept
{
    // Released first (the oldest release), then sustained (the oldest release), then held (the
    // oldest note): what is heard least goes first.
    for (const auto state : {Voice::State::Released, Voice::State::Sustained}) {
        Voice* best = nullptr;
        for (auto& v : voices_)
            if (v.state == state && (!best || v.released < best->released))
                best = &v;
        if (best)
            return best;
    }
    Voice* best = nullptr;
    for (auto& v : voices_)
        if (v.state == Voice::State::Held && (!best || v.age < best->age))
            best = &v;
    return best;
}

Voice& Voices::freeSlot() noexcept
{
    Voice* nearest = nullptr;
    for (auto& v : voices_) {
        if (v.state == Voice::State::Free)
            return v;
        if (v.state == Voice::State::Stolen && (!nearest || v.fadeLeft < nearest->fadeLeft))
            nearest = &v;
    }
    // More notes in one steal fade than there are spare slots: the fade nearest its end is
    // cut short (it has the least left to lose).
    return nearest ? *nearest : voices_.front();
}

Voice* Voices::playing() noexcept
{
    for (auto& v : voices_)
        if (v.state == Voice::State::Held || v.state == Voice::State::Sustained)
            return &v;
    return nullptr;
}

void Voices::pushKey(std::uint8_t note) noexcept
{
    dropKey(note);
    if (numKeys_ < keys_.size())
        keys_[numKeys_++] = note;
}

void Voices::dropKey(std::uint8_t note) noexcept
{
    auto* end = keys_.data() + numKeys_;
    auto* at = std::find(keys_.data(), end, note);
    if (at == end)
        return;
    std::copy(at + 1, end, at);
    --numKeys_;
}

} // namespace backline::engine
