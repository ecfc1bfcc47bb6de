// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "EngineFixture.h"
#include "core/AudioRing.h"
#include "engine/Taps.h"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace backline::test {

/// Each track's own output, frame by frame: taps the post-fader signal of some tracks of an
/// OfflineSession (ahead of the master chain and its lookahead delay), so a change shows on the
/// frame it happens.
class TrackTaps {
public:
    /// Taps tracks (by index) of session's installed graph, with room for capacityFrames each.
    TrackTaps(OfflineSession& session, const std::vector<std::uint32_t>& tracks, std::size_t capacityFrames = 4 * 48000)
        : TrackTaps(session, postFaders(tracks), capacityFrames)
    {
    }
    /// Taps any points (a bus's output, a track's input) the same way.
    TrackTaps(OfflineSession& session, const std::vector<engine::TapPoint>& points, std::size_t capacityFrames)
        : session_(session)
    {
        auto taps = std::make_unique<engine::TapSet>();
        taps->generation = session.installedGraph()->generation;
        for (const engine::TapPoint& point : points) {
            rings_.push_back(std::make_unique<AudioRing>(2, capacityFrames));
            taps->taps.push_back({point, rings_.back().get()});
        }
        session.engine.installTaps(std::move(taps));
    }

    /// One track's left and right, as rendered.
    struct Stereo {
        std::vector<float> left, right;
    };

    /// Renders seconds and returns what each tapped track played meanwhile, in the order given;
    /// the first frame of each is the engine frame the render started at.
    std::vector<Stereo> render(double seconds)
    {
        session_.render(seconds);
        std::vector<Stereo> out;
        for (auto& ring : rings_) {
            std::vector<float> interleaved(2 * ring->capacityFrames());
            const std::size_t n = ring->read(interleaved.data(), ring->capacityFrames());
            Stereo s;
            for (std::size_t i = 0; i < n; ++i) {
                s.left.push_back(interleaved[2 * i]);
                s.right.push_back(interleaved[2 * i + 1]);
            }
            out.push_back(std::move(s));
        }
        return out;
    }

private:
    static std::vector<engine::TapPoint> postFaders(const std::vector<std::uint32_t>& tracks)
    {
        std::vector<engine::TapPoint> points;
        for (std::uint32_t track : tracks)
            points.push_back({engine::TapPoint::Kind::TrackPost, track});
        return points;
    }

    OfflineSession& session_;
    std::vector<std::unique_ptr<AudioRing>> rings_;
};

} // namespace backline::test
