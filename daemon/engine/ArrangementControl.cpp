// SPDX-License-Identifier: GPL-3.0-or-later
// The songs half of the control port (see ArrangementControl.h).
#include "engine/ArrangementControl.h"

#include "core/ClosestMatch.h"

#include <fmt/format.h>

namespace backline::engine {

namespace {

JumpWhen toEngine(port::JumpWhen when)
{
    switch (when) {
    case port::JumpWhen::Now:
        return JumpWhen::Now;
    case port::JumpWhen::Beat:
        return JumpWhen::Beat;
    case port::JumpWhen::Section:
        return JumpWhen::Section;
    case port::JumpWhen::Bar:
        break;
    }
    return JumpWhen::Bar;
}

/// " (did you mean 'x'?)" when one of names is close to name.
std::string suggestion(std::string_view name, const std::vector<std::string_view>& names)
{
    const auto near = closestMatch(name, names);
    return near ? fmt::format(" (did you mean '{}'?)", *near) : std::string {};
}

} // namespace

ArrangementControl::ArrangementControl(Engine& engine, ParamControl& params, SceneValues scenes)
    : engine_(engine)
    , params_(params)
    , scenes_(std::move(scenes))
{
}

Result<void> ArrangementControl::adopt(const session::SessionSpec& spec)
{
    std::lock_guard lock(mutex_);
    const bool same = planId_ != 0 && sameShow(spec_, spec);
    spec_.songs = spec.songs;
    spec_.setlist = spec.setlist;
    spec_.transport = spec.transport;
    return install(same);
}

Result<void> ArrangementControl::adoptSong(const session::SessionSpec& spec, std::string_view song)
{
    std::vector<std::string_view> names;
    for (const session::SongSpec& candidate : spec.songs) {
        if (candidate.name != song) {
            names.push_back(candidate.name);
            continue;
        }
        session::SessionSpec solo;
        solo.songs = spec.songs;
        solo.setlist = {session::SetlistEntry {candidate.name, candidate.where}};
        solo.transport = spec.transport;
        return adopt(solo);
    }
    return makeError(ErrorCode::Param,
        spec.songs.empty() ? std::string("the session has no songs")
                           : fmt::format("no song '{}' in the session{}", song, suggestion(song, names)));
}

Result<void> ArrangementControl::refresh()
{
    std::lock_guard lock(mutex_);
    return install(true);
}

Result<void> ArrangementControl::install(bool keepPlace)
{
    std::vector<std::vector<port::ParamChange>> recalled;
    auto plan = buildShowPlan(spec_, scenes_, params_, planId_ + 1, &recalled);
    if (!plan)
        return plan.error();
    ++planId_;
    generation_ = params_.generation();
    planned_.clear();
    for (std::size_t song = 0; song < spec_.songs.size(); ++song)
        for (std::size_t section = 0; section < spec_.songs[song].sections.size(); ++section)
            planned_.push_back(PlannedSection {song, section, std::move(recalled[planned_.size()])});
    engine_.installShow(std::move(plan.value()), keepPlace);
    return {};
}

void ArrangementControl::poll(const std::function<void(const SectionNews&)>& tell)
{
    std::vector<SectionNews> news;
    for (const SectionStarted& started : engine_.takeSectionStarts()) {
        std::vector<port::ParamChange> values;
        std::uint64_t generation = 0;
        {
            std::lock_guard lock(mutex_);
            if (started.showId != planId_ || started.section < 0 || std::size_t(started.section) >= planned_.size())
                continue; // of a plan since replaced: its sections may not be these
            const PlannedSection& planned = planned_[std::size_t(started.section)];
            const session::SongSpec& song = spec_.songs[planned.song];
            const session::SectionSpec& section = song.sections[planned.section];
            news.push_back(SectionNews {song.name, section.name, started.recalled ? section.scene : std::string {},
                started.frame});
            if (started.recalled)
                values = planned.values;
            generation = generation_;
        }
        if (!values.empty())
            params_.applied(values, generation, 0);
    }
    for (const SectionNews& n : news)
        tell(n);
}

Result<std::string> ArrangementControl::send(
    ArrangementRequest::Op op, port::JumpWhen when, std::int32_t index, std::string target)
{
    if (!engine_.arrange(ArrangementRequest {op, toEngine(when), index, false}))
        return makeError(ErrorCode::Engine, "the engine is not keeping up (command queue full); nothing changed");
    return target;
}

Result<const session::SongSpec*> ArrangementControl::songNow() const
{
    if (spec_.songs.empty())
        return makeError(ErrorCode::Param, "the session has no songs");
    const ArrangementSnapshot now = engine_.arrangementSnapshot();
    if (now.song < 0 || std::size_t(now.song) >= spec_.songs.size())
        return makeError(ErrorCode::Param, "no song is cued: cue one first (/setlist/goto)");
    return &spec_.songs[std::size_t(now.song)];
}

Result<std::string> ArrangementControl::cueSong(std::string_view name, port::JumpWhen when)
{
    std::lock_guard lock(mutex_);
    std::vector<std::string_view> names;
    for (std::size_t place = 0; place < spec_.setlist.size(); ++place) {
        if (spec_.setlist[place].song == name)
            return send(ArrangementRequest::Op::CueSong, when, std::int32_t(place), spec_.setlist[place].song);
        names.push_back(spec_.setlist[place].song);
    }
    return makeError(ErrorCode::Param,
        spec_.setlist.empty() ? std::string("the session has no songs")
                              : fmt::format("no song '{}' in the setlist{}", name, suggestion(name, names)));
}

Result<std::string> ArrangementControl::cueSong(int place, port::JumpWhen when)
{
    std::lock_guard lock(mutex_);
    if (place < 0 || std::size_t(place) >= spec_.setlist.size())
        return makeError(ErrorCode::Param,
            spec_.setlist.empty() ? std::string("the session has no songs")
                                  : fmt::format("the setlist has places 0 to {}, got {}", spec_.setlist.size() - 1, place));
    return send(ArrangementRequest::Op::CueSong, when, place, spec_.setlist[std::size_t(place)].song);
}

Result<std::string> ArrangementControl::nextSong(port::JumpWhen when)
{
    std::lock_guard lock(mutex_);
    if (spec_.setlist.empty())
        return makeError(ErrorCode::Param, "the session has no songs");
    const ArrangementSnapshot now = engine_.arrangementSnapshot();
    if (now.setlistPlace + 1 >= std::int32_t(spec_.setlist.size()))
        return makeError(ErrorCode::Param, "the setlist's last song is cued: there is no next one");
    return send(ArrangementRequest::Op::NextSong, when, 0, spec_.setlist[std::size_t(now.setlistPlace + 1)].song);
}

Result<std::string> ArrangementControl::prevSong(port::JumpWhen when)
{
    std::lock_guard lock(mutex_);
    if (spec_.setlist.empty())
        return makeError(ErrorCode::Param, "the session has no songs");
    const ArrangementSnapshot now = engine_.arrangementSnapshot();
    return send(ArrangementRequest::Op::PrevSong, when, 0, spec_.setlist[std::size_t(std::max(now.setlistPlace - 1, 0))].song);
}

Result<std::string> ArrangementControl::gotoSection(std::string_view name, port::JumpWhen when)
{
    std::lock_guard lock(mutex_);
    auto song = songNow();
    if (!song)
        return song.error();
    const int index = (*song)->sectionIndex(name);
    if (index < 0) {
        std::vector<std::string_view> names;
        for (const auto& section : (*song)->sections)
            names.push_back(section.name);
        return makeError(ErrorCode::Param,
            fmt::format("song '{}' has no section '{}'{}", (*song)->name, name, suggestion(name, names)));
    }
    // The plan's sections are every song's in order: this song's start there.
    std::int32_t first = 0;
    for (const auto& s : spec_.songs) {
        if (&s == *song)
            break;
        first += std::int32_t(s.sections.size());
    }
    return send(ArrangementRequest::Op::GotoSection, when, first + index, std::string(name));
}

Result<std::string> ArrangementControl::nextSection(port::JumpWhen when)
{
    return stepSection(ArrangementRequest::Op::NextSection, when, +1);
}

Result<std::string> ArrangementControl::prevSection(port::JumpWhen when)
{
    return stepSection(ArrangementRequest::Op::PrevSection, when, -1);
}

Result<std::string> ArrangementControl::stepSection(ArrangementRequest::Op op, port::JumpWhen when, int step)
{
    std::lock_guard lock(mutex_);
    auto song = songNow();
    if (!song)
        return song.error();
    // Where the audio thread stands now: the reply's best guess; the section that starts is
    // told when it does (/arrangement/section).
    const std::int32_t section = engine_.arrangementSnapshot().section;
    std::string target;
    if (section >= 0 && std::size_t(section) < planned_.size()) {
        const int k = int(planned_[std::size_t(section)].section) + step;
        if (k >= 0 && std::size_t(k) < (*song)->sections.size())
            target = (*song)->sections[std::size_t(k)].name;
        else if (k < 0)
            target = (*song)->sections.front().name;
    }
    return send(op, when, 0, std::move(target));
}

Result<void> ArrangementControl::loop(bool on)
{
    std::lock_guard lock(mutex_);
    if (spec_.songs.empty())
        return makeError(ErrorCode::Param, "the session has no songs");
    ArrangementRequest request {ArrangementRequest::Op::Loop, JumpWhen::Now, 0, on};
    if (!engine_.arrange(request))
        return makeError(ErrorCode::Engine, "the engine is not keeping up (command queue full); nothing changed");
    return {};
}

port::ArrangementStatus ArrangementControl::status() const
{
    std::lock_guard lock(mutex_);
    const ArrangementSnapshot now = engine_.arrangementSnapshot();
    port::ArrangementStatus out;
    for (const auto& entry : spec_.setlist)
        out.setlist.push_back(entry.song);
    out.setlistPlace = now.setlistPlace;
    out.looping = now.looping;
    out.jumpPending = now.jumpPending;
    out.playing = now.barInSection > 0;
    out.barInSection = now.barInSection;
    out.changes = now.passes;
    const auto named = [&](std::int32_t section, std::string* name, int* bars) {
        if (section < 0 || std::size_t(section) >= planned_.size())
            return;
        const PlannedSection& p = planned_[std::size_t(section)];
        const auto& spec = spec_.songs[p.song].sections[p.section];
        *name = spec.name;
        if (bars)
            *bars = spec.bars;
    };
    if (now.song >= 0 && std::size_t(now.song) < spec_.songs.size())
        out.song = spec_.songs[std::size_t(now.song)].name;
    named(now.section, &out.section, &out.sectionBars);
    named(now.next, &out.next, nullptr);
    return out;
}

} // namespace backline::engine
