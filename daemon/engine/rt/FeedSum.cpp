// SPDX-License-Identifier: GPL-3.0-or-later
// How a bus or the master adds one of its feeds into its input (see FeedSum.h).
#include "engine/rt/FeedSum.h"

#include "engine/rt/BufferOps.h"

namespace backline::engine {

namespace {

void sumSend(Graph& graph, TrackNode& track, SendNode& send, float* const* dst, const NodeScratch& scratch,
    std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING
{
    if (send.level.silent())
        return;
    auto& faderStage = graph.stages[track.fader];
    float* post[2] = {faderStage.out.channel(0), faderStage.out.channel(1)};
    float* pre[2] = {track.preStereo.channel(0), track.preStereo.channel(1)};
    float* sendGain = scratch.gains[1];
    const bool levelConstant = send.level.render(sendGain, nframes);
    const float mix = send.preMix.current();
    if (!send.preMix.ramping() && (mix == 0.0f || mix == 1.0f)) {
        float* const* from = mix == 1.0f ? pre : post;
        addScaled(from[0], dst[0], sendGain, levelConstant, nframes);
        addScaled(from[1], dst[1], sendGain, levelConstant, nframes);
        return;
    }
    // Switching between pre and post: crossfade the two over the glide (the track's gate is
    // in both already).
    float* crossfade = scratch.gains[0];
    send.preMix.render(crossfade, nframes);
    for (int c = 0; c < 2; ++c) {
        float* to = dst[c];
        for (std::uint32_t i = 0; i < nframes; ++i) {
            const float g = levelConstant ? sendGain[0] : sendGain[i];
            to[i] += g * (crossfade[i] * pre[c][i] + (1.0f - crossfade[i]) * post[c][i]);
        }
    }
}

void sumRoute(Graph& graph, const TrackNode& track, RouteNode& route, float* const* dst, const NodeScratch& scratch,
    std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING
{
    if (route.gain.silent())
        return;
    auto& faderStage = graph.stages[track.fader];
    float* routeGain = scratch.gains[1];
    const bool constant = route.gain.render(routeGain, nframes);
    addScaled(faderStage.out.channel(0), dst[0], routeGain, constant, nframes);
    addScaled(faderStage.out.channel(1), dst[1], routeGain, constant, nframes);
}

void sumBus(Graph& graph, const BusNode& bus, float* const* dst, std::uint32_t nframes) noexcept BACKLINE_NONBLOCKING
{
    auto& faderStage = graph.stages[bus.fader];
    for (int c = 0; c < 2; ++c) {
        const float* from = faderStage.out.channel(c);
        float* to = dst[c];
        for (std::uint32_t i = 0; i < nframes; ++i)
            to[i] += from[i];
    }
}

} // namespace

void sumFeed(Graph& graph, const Feed& feed, float* const* dst, const NodeScratch& scratch, std::uint32_t nframes) noexcept
{
    switch (feed.kind) {
    case Feed::Kind::Send: {
        TrackNode& track = graph.tracks[feed.from];
        sumSend(graph, track, track.sends[feed.slot], dst, scratch, nframes);
        break;
    }
    case Feed::Kind::Route: {
        TrackNode& track = graph.tracks[feed.from];
        sumRoute(graph, track, track.routes[feed.slot], dst, scratch, nframes);
        break;
    }
    case Feed::Kind::Bus:
        sumBus(graph, graph.buses[feed.from], dst, nframes);
        break;
    }
}

} // namespace backline::engine
