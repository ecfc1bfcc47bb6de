// SPDX-License-Identifier: GPL-3.0-or-later
// The session's songs turned into what the audio thread's arrangement plays (see ShowPlanBuilder.h).
#include "engine/ShowPlanBuilder.h"

#include <fmt/format.h>

namespace backline::engine {

namespace {

SectionThen thenOf(session::SectionEnd end)
{
    switch (end) {
    case session::SectionEnd::Loop:
        return SectionThen::Loop;
    case session::SectionEnd::Stop:
        return SectionThen::Stop;
    case session::SectionEnd::Goto:
        return SectionThen::Goto;
    case session::SectionEnd::Next:
        break;
    }
    return SectionThen::Next;
}

} // namespace

Result<std::unique_ptr<ShowPlan>> buildShowPlan(const session::SessionSpec& session, const SceneValues& scenes,
    const ParamControl& params, std::uint64_t id, std::vector<std::vector<port::ParamChange>>* recalled)
{
    if (recalled)
        recalled->clear();
    auto plan = std::make_unique<ShowPlan>();
    plan->id = id;
    for (const session::SongSpec& song : session.songs) {
        SongPlan out;
        out.firstSection = std::int32_t(plan->sections.size());
        out.sectionCount = std::int32_t(song.sections.size());
        out.tempo = song.tempo.value_or(session.transport.tempo);
        const session::MeterSpec meter = song.meter.value_or(
            session::MeterSpec {session.transport.meterNum, session.transport.meterDen});
        out.meterNum = meter.num;
        out.meterDen = meter.den;
        for (const session::SectionSpec& section : song.sections) {
            SectionPlan s;
            s.song = std::int32_t(plan->songs.size());
            s.bars = section.bars;
            s.tempo = section.tempo.value_or(0.0);
            s.meterNum = section.meter ? section.meter->num : 0;
            s.meterDen = section.meter ? section.meter->den : 0;
            s.then = thenOf(section.then);
            s.gotoSection = section.then == session::SectionEnd::Goto
                ? out.firstSection + song.sectionIndex(section.gotoSection)
                : -1;
            if (!section.scene.empty()) {
                auto values = scenes(section.scene);
                if (!values)
                    return values.error();
                auto batch = params.prepare(*values, section.fadeSeconds);
                if (!batch)
                    return makeError(ErrorCode::Session,
                        fmt::format("song '{}', section '{}': scene '{}' cannot be recalled: {}", song.name,
                            section.name, section.scene, batch.error().message));
                s.scene = batch->get();
                plan->scenes.push_back(std::move(batch.value()));
                if (recalled)
                    recalled->push_back(std::move(*values));
            } else if (recalled) {
                recalled->emplace_back();
            }
            plan->sections.push_back(s);
        }
        plan->songs.push_back(out);
    }
    for (const session::SetlistEntry& entry : session.setlist)
        for (std::size_t i = 0; i < session.songs.size(); ++i)
            if (session.songs[i].name == entry.song) {
                plan->setlist.push_back(std::int32_t(i));
                break;
            }
    return plan;
}

bool sameShow(const session::SessionSpec& a, const session::SessionSpec& b)
{
    if (a.songs.size() != b.songs.size() || a.setlist.size() != b.setlist.size())
        return false;
    for (std::size_t i = 0; i < a.setlist.size(); ++i)
        if (a.setlist[i].song != b.setlist[i].song)
            return false;
    for (std::size_t i = 0; i < a.songs.size(); ++i) {
        const auto& x = a.songs[i];
        const auto& y = b.songs[i];
        if (x.name != y.name || x.tempo != y.tempo || x.meter != y.meter || x.sections.size() != y.sections.size())
            return false;
        for (std::size_t k = 0; k < x.sections.size(); ++k) {
            const auto& p = x.sections[k];
            const auto& q = y.sections[k];
            if (p.name != q.name || p.bars != q.bars || p.tempo != q.tempo || p.meter != q.meter || p.then != q.then
                || p.gotoSection != q.gotoSection)
                return false;
        }
    }
    return true;
}

} // namespace backline::engine
