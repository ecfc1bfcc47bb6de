// SPDX-License-Identifier: GPL-3.0-or-later
// One song rendered offline through the arrangement (see SongRender.h). [main]
#include "app/SongRender.h"

#include "core/TransportRules.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace backline::app {

namespace {

/// Sections named in the log line at most: a loop rendered for an hour is not listed pass by pass.
constexpr std::size_t sectionsListed = 64;

} // namespace

SongRender::SongRender(
    engine::Engine& engine, engine::TransportControl& transport, engine::ArrangementControl& arrangement)
    : engine_(engine)
    , transport_(transport)
    , arrangement_(arrangement)
{
}

Result<void> SongRender::cue(
    const session::SessionSpec& spec, std::string_view song, std::optional<double> seconds, double tailSeconds)
{
    if (auto r = arrangement_.adoptSong(spec, song); !r)
        return r;
    for (const session::SongSpec& candidate : spec.songs)
        if (candidate.name == song)
            song_ = candidate;
    sampleRate_ = spec.sampleRate;
    if (seconds) {
        fixedFrames_ = std::uint64_t(std::llround(*seconds * sampleRate_));
    } else if (const session::SectionSpec* again = song_.firstRepeat()) {
        return makeError(ErrorCode::Param,
            fmt::format("song '{}' never ends by itself: section '{}' plays again ({}); give --duration SECONDS to "
                        "render that long",
                song_.name, again->name, again->then == session::SectionEnd::Loop ? "then: loop" : "a goto back"));
    }
    tailFrames_ = std::uint64_t(std::llround(tailSeconds * sampleRate_));
    // A song that ends by itself plays each section once at most, and no bar is longer than
    // the most beats at the slowest tempo: its end comes before this, unless something is wrong.
    const double longestBar = transport::maxBeatsPerBar * 60.0 / transport::minBpm;
    double bound = 1.0;
    for (const session::SectionSpec& section : song_.sections)
        bound += section.bars * longestBar;
    capFrames_ = std::uint64_t(bound * sampleRate_);
    if (auto r = arrangement_.cueSong(song, port::JumpWhen::Now); !r)
        return r.error();
    return {};
}

Result<double> SongRender::render(engine::OfflineRenderer& renderer, const std::filesystem::path& file)
{
    // The cue takes the transport to the song's start while it stands; then play, a block
    // later, as a surface's /transport/play after its /setlist/goto. The settling block has no
    // frames, so the song starts on the file's first sample.
    renderer.settle();
    if (auto r = transport_.play(); !r)
        return r.error();
    if (auto r = renderer.renderToFile(file, [this](std::uint64_t rendered) { return length(rendered); }); !r)
        return r.error();
    const std::uint64_t frames = fixedFrames_ ? *fixedFrames_ : *endFrame_ + tailFrames_;
    return double(frames) / sampleRate_;
}

Result<std::uint64_t> SongRender::length(std::uint64_t rendered)
{
    arrangement_.poll([this](const engine::SectionNews& news) {
        sections_.push_back(RenderedSection {news.section, nextBar_, double(news.frame) / sampleRate_});
        const int index = song_.sectionIndex(news.section);
        if (index >= 0)
            nextBar_ += song_.sections[std::size_t(index)].bars;
    });
    if (!endFrame_ && rendered > 0) {
        const auto now = engine_.transportSnapshot();
        // It rolled from the file's first sample at transport frame 0, with no locate since:
        // where the song's end stopped it is the song's length.
        if (!now.rolling)
            endFrame_ = std::uint64_t(now.frame);
    }
    if (fixedFrames_)
        return *fixedFrames_;
    if (endFrame_)
        return *endFrame_ + tailFrames_;
    if (rendered >= capFrames_)
        return makeError(ErrorCode::Engine,
            fmt::format("song '{}' did not end within {:.0f} s, longer than it can last; this is a bug: please report it",
                song_.name, double(capFrames_) / sampleRate_));
    return std::numeric_limits<std::uint64_t>::max();
}

std::string SongRender::summary() const
{
    std::string text = fmt::format("song '{}':", song_.name);
    for (std::size_t i = 0; i < sections_.size() && i < sectionsListed; ++i)
        text += fmt::format("{} {} at bar {} ({:.3f} s)", i == 0 ? "" : ",", sections_[i].name, sections_[i].bar,
            sections_[i].seconds);
    if (sections_.size() > sectionsListed)
        text += fmt::format(" and {} more", sections_.size() - sectionsListed);
    if (endFrame_)
        text += fmt::format("; ends after bar {} ({:.3f} s)", nextBar_ - 1, double(*endFrame_) / sampleRate_);
    else
        text += "; still playing where the render ends";
    return text;
}

} // namespace backline::app
