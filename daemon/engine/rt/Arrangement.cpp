// SPDX-License-Identifier: GPL-3.0-or-later
// The audio thread's song player (see Arrangement.h).
#include "engine/rt/Arrangement.h"

#include <algorithm>
#include <cmath>

namespace backline::engine {

namespace {

TransportRequest transportOp(TransportRequest::Op op) noexcept BACKLINE_NONBLOCKING
{
    TransportRequest request;
    request.op = op;
    return request;
}

bool isSongJump(ArrangementRequest::Op op) noexcept BACKLINE_NONBLOCKING
{
    return op == ArrangementRequest::Op::CueSong || op == ArrangementRequest::Op::NextSong
        || op == ArrangementRequest::Op::PrevSong;
}

} // namespace

void Arrangement::install(const ShowPlan* plan, bool keepPlace) noexcept
{
    const bool keep = keepPlace && plan_ && plan;
    plan_ = plan;
    if (keep)
        return;
    place_ = song_ = section_ = -1;
    active_ = false;
    looping_ = false;
    pending_ = {};
    passes_ = 0;
}

void Arrangement::request(const ArrangementRequest& request) noexcept
{
    if (request.op == ArrangementRequest::Op::Loop)
        looping_ = request.on;
    else if (request.op != ArrangementRequest::Op::None)
        pending_ = request;
}

void Arrangement::cue(Transport& transport, std::int32_t place, std::uint64_t start) noexcept
{
    place_ = place;
    song_ = plan_->setlist[std::size_t(place)];
    const SongPlan& song = plan_->songs[std::size_t(song_)];
    section_ = song.firstSection;
    active_ = false;
    songStartBar_ = startBar_ = 1;
    transport.request(transportOp(TransportRequest::Op::Locate), 0, start);
    requestTempoAndMeter(transport, song.tempo, song.meterNum, song.meterDen, 0, start);
}

void Arrangement::jumpStopped(Transport& transport, std::uint64_t start) noexcept
{
    const ArrangementRequest jump = pending_;
    pending_ = {};
    const Target target = resolve(jump);
    if (target.kind == Target::Kind::Song) {
        cue(transport, target.place, start);
        return;
    }
    if (target.kind != Target::Kind::Section)
        return;
    // Stopped on another section: the transport goes to where it begins in the written order.
    std::int64_t bar = songStartBar_;
    const SongPlan& song = plan_->songs[std::size_t(song_)];
    for (std::int32_t s = song.firstSection; s < target.section; ++s)
        bar += plan_->sections[std::size_t(s)].bars;
    TransportRequest locate = transportOp(TransportRequest::Op::Locate);
    locate.frame = std::max<std::int64_t>(0, transport.grid().frameOf(bar, 1));
    transport.request(locate, 0, start);
    section_ = target.section;
}

bool Arrangement::stillInSection(const Transport& transport) const noexcept
{
    // Forward, within the section playing: cycles JACK ran without this engine (its transport
    // leads) moved the position on, not a locate. The section plays on; its end may have been
    // skipped, which the plan below then takes at once.
    if (!active_ || transport.position() < expected_)
        return false;
    const TimeGrid& grid = transport.grid();
    const std::int64_t bar = grid.meter.place(grid.tempo.beatsAt(transport.position())).bar;
    return bar >= startBar_ && bar <= startBar_ + plan_->sections[std::size_t(section_)].bars;
}

std::int32_t Arrangement::sectionAtBar(std::int64_t bar, std::int64_t& sectionStartBar) const noexcept
{
    if (song_ < 0 || bar < songStartBar_)
        return -1;
    const SongPlan& song = plan_->songs[std::size_t(song_)];
    std::int64_t first = songStartBar_;
    for (std::int32_t s = song.firstSection; s < song.firstSection + song.sectionCount; ++s) {
        const std::int64_t bars = plan_->sections[std::size_t(s)].bars;
        if (bar < first + bars) {
            sectionStartBar = first;
            return s;
        }
        first += bars;
    }
    return -1;
}

std::size_t Arrangement::enter(Transport& transport, std::uint64_t start, std::span<SectionStart> out) noexcept
{
    const TimeGrid& grid = transport.grid();
    const std::int64_t bar = grid.meter.place(grid.tempo.beatsAt(transport.position())).bar;
    std::int64_t sectionStartBar = 0;
    const std::int32_t section = sectionAtBar(bar, sectionStartBar);
    active_ = section >= 0;
    if (!active_)
        return 0;
    section_ = section;
    startBar_ = sectionStartBar;
    sectionStartFrame_ = start;
    ++passes_;
    const SectionPlan& plan = plan_->sections[std::size_t(section)];
    requestTempoAndMeter(transport, plan.tempo, plan.meterNum, plan.meterDen, start, start);
    if (out.empty())
        return 0;
    out[0] = SectionStart {start, section, plan.scene};
    return 1;
}

Arrangement::Target Arrangement::afterEnd() const noexcept
{
    using Kind = Target::Kind;
    const SectionPlan& section = plan_->sections[std::size_t(section_)];
    if (looping_)
        return Target {Kind::Section, section_};
    switch (section.then) {
    case SectionThen::Loop:
        return Target {Kind::Section, section_};
    case SectionThen::Stop:
        return Target {Kind::Stop};
    case SectionThen::Goto:
        return Target {Kind::Section, section.gotoSection};
    case SectionThen::Next:
        break;
    }
    const SongPlan& song = plan_->songs[std::size_t(song_)];
    return section_ + 1 < song.firstSection + song.sectionCount ? Target {Kind::Section, section_ + 1}
                                                                : Target {Kind::SongOver};
}

Arrangement::Target Arrangement::resolve(const ArrangementRequest& jump) const noexcept
{
    using Kind = Target::Kind;
    const std::int32_t places = std::int32_t(plan_->setlist.size());
    const auto song = [&](std::int32_t place) {
        return place >= 0 && place < places ? Target {Kind::Song, -1, place} : Target {};
    };
    switch (jump.op) {
    case ArrangementRequest::Op::CueSong:
        return song(jump.index);
    case ArrangementRequest::Op::NextSong:
        return song(place_ + 1);
    case ArrangementRequest::Op::PrevSong:
        return song(std::max(place_ - 1, 0));
    case ArrangementRequest::Op::None:
    case ArrangementRequest::Op::Loop:
        return Target {};
    default:
        break;
    }
    if (song_ < 0)
        return Target {};
    const SongPlan& playing = plan_->songs[std::size_t(song_)];
    const std::int32_t first = playing.firstSection;
    const std::int32_t end = first + playing.sectionCount;
    switch (jump.op) {
    case ArrangementRequest::Op::GotoSection:
        return jump.index >= first && jump.index < end ? Target {Kind::Section, jump.index} : Target {};
    case ArrangementRequest::Op::NextSection:
        return section_ + 1 < end ? Target {Kind::Section, section_ + 1} : Target {Kind::SongOver};
    case ArrangementRequest::Op::PrevSection:
        return Target {Kind::Section, std::max(section_ - 1, first)};
    default:
        return Target {};
    }
}

void Arrangement::requestTempoAndMeter(Transport& transport, double tempo, std::int32_t num, std::int32_t den,
    std::uint64_t frame, std::uint64_t start) noexcept
{
    if (tempo > 0.0) {
        TransportRequest request = transportOp(TransportRequest::Op::Tempo);
        request.bpm = tempo;
        transport.request(request, frame, start);
    }
    if (num > 0) {
        TransportRequest request = transportOp(TransportRequest::Op::Meter);
        request.num = num;
        request.den = den;
        transport.request(request, frame, start);
    }
}

void Arrangement::stopAt(
    Transport& transport, const Target& target, std::int64_t at, std::uint64_t frame, std::uint64_t start) noexcept
{
    transport.request(transportOp(TransportRequest::Op::Stop), frame, start);
    awaitingStop_ = std::max(1, transport.grid().tempo.sampleRate / 2);
    active_ = false;
    wasRolling_ = false; // the next play enters afresh
    expected_ = at;
    const SongPlan& song = plan_->songs[std::size_t(song_)];
    if (target.kind == Target::Kind::Stop) {
        // A play goes on with what follows in the written order.
        section_ = std::min(section_ + 1, song.firstSection + song.sectionCount - 1);
        return;
    }
    // The song is over: the setlist's next song is cued, for the next play.
    if (place_ + 1 < std::int32_t(plan_->setlist.size()))
        pending_ = ArrangementRequest {ArrangementRequest::Op::CueSong, JumpWhen::Now, place_ + 1, false};
}

std::size_t Arrangement::perform(Transport& transport, const Target& target, std::int64_t at, std::uint64_t frame,
    std::uint64_t start, bool newBar, bool loopPass, std::span<SectionStart> out) noexcept
{
    using Kind = Target::Kind;
    if (target.kind == Kind::Nothing)
        return 0;
    if (target.kind == Kind::Stop || target.kind == Kind::SongOver) {
        stopAt(transport, target, at, frame, start);
        return 0;
    }
    if (newBar)
        transport.request(transportOp(TransportRequest::Op::BarLine), frame, start);
    // at is the first frame of a beat: its beats are that beat's number and a hair.
    const TimeGrid& grid = transport.grid();
    const std::int64_t beat = std::llround(grid.tempo.beatsAt(at));
    const BarPlace place = grid.meter.place(double(beat));
    const std::int64_t bar = newBar && place.barStart != beat ? place.bar + 1 : place.bar;
    std::int32_t section = target.section;
    bool again = loopPass && active_ && section == section_;
    if (target.kind == Kind::Song) {
        place_ = target.place;
        song_ = plan_->setlist[std::size_t(place_)];
        const SongPlan& song = plan_->songs[std::size_t(song_)];
        section = song.firstSection;
        again = false;
        requestTempoAndMeter(transport, song.tempo, song.meterNum, song.meterDen, frame, start);
    }
    const SongPlan& song = plan_->songs[std::size_t(song_)];
    // The song's written order from here: a later locate finds its sections relative to this one.
    songStartBar_ = bar;
    for (std::int32_t s = song.firstSection; s < section; ++s)
        songStartBar_ -= plan_->sections[std::size_t(s)].bars;
    section_ = section;
    startBar_ = bar;
    active_ = true;
    sectionStartFrame_ = frame;
    ++passes_;
    const SectionPlan& plan = plan_->sections[std::size_t(section)];
    if (!again)
        requestTempoAndMeter(transport, plan.tempo, plan.meterNum, plan.meterDen, frame, start);
    if (out.empty())
        return 0;
    out[0] = SectionStart {frame, section, again ? nullptr : plan.scene};
    return 1;
}

std::size_t Arrangement::plan(Transport& transport, std::uint64_t start, std::uint32_t nframes,
    std::span<SectionStart> out) noexcept
{
    std::size_t started = 0;
    if (!plan_ || plan_->setlist.empty()) {
        publish(transport);
        return 0;
    }
    const std::int64_t position = transport.position();
    if (awaitingStop_ > 0) {
        if (transport.rolling()) {
            awaitingStop_ -= std::int64_t(nframes); // half a second at most: a leader may refuse
            publish(transport);
            return 0;
        }
        awaitingStop_ = 0;
    }
    if (!transport.rolling()) {
        if (pending_.op != ArrangementRequest::Op::None)
            jumpStopped(transport, start);
        active_ = false;
        wasRolling_ = false;
        publish(transport);
        return 0;
    }
    if (!wasRolling_ || (position != expected_ && !stillInSection(transport)))
        started = enter(transport, start, out); // play pressed, or a locate while rolling
    wasRolling_ = true;
    expected_ = position + std::int64_t(nframes);
    if (started == 0) {
        const TimeGrid& grid = transport.grid();
        const std::int64_t none = INT64_MAX;
        const std::int64_t end = active_ ? grid.frameOf(startBar_ + plan_->sections[std::size_t(section_)].bars, 1) : none;
        std::int64_t jump = none;
        bool newBar = false;
        if (pending_.op != ArrangementRequest::Op::None && (active_ || isSongJump(pending_.op))) {
            switch (pending_.when) {
            case JumpWhen::Now:
            case JumpWhen::Beat:
                jump = grid.nextBoundary(position, transport::Boundary::Beat);
                newBar = true;
                break;
            case JumpWhen::Bar:
                jump = grid.nextBoundary(position, transport::Boundary::Bar);
                break;
            case JumpWhen::Section:
                jump = active_ ? end : grid.nextBoundary(position, transport::Boundary::Bar);
                break;
            }
        }
        const std::int64_t at = std::min(end, jump);
        if (at != none && at < position + std::int64_t(nframes)) {
            const std::uint64_t frame = start + std::uint64_t(std::max<std::int64_t>(at - position, 0));
            const bool jumped = jump <= end;
            const Target target = jumped ? resolve(pending_) : afterEnd();
            if (jumped)
                pending_ = {};
            started = perform(transport, target, at, frame, start, newBar && at != end, !jumped, out);
        }
    }
    publish(transport);
    return started;
}

void Arrangement::publish(const Transport& transport) noexcept
{
    ArrangementSnapshot s;
    s.setlistPlace = place_;
    s.song = song_;
    s.section = section_;
    s.looping = looping_;
    s.jumpPending = pending_.op != ArrangementRequest::Op::None;
    s.passes = passes_;
    s.sectionStartFrame = sectionStartFrame_;
    if (active_) {
        const TimeGrid& grid = transport.grid();
        s.barInSection = grid.meter.place(grid.tempo.beatsAt(transport.position())).bar - startBar_ + 1;
        const Target next = afterEnd();
        s.next = next.kind == Target::Kind::Section ? next.section : -1;
    }
    published_.store(s);
}

} // namespace backline::engine
