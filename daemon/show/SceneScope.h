// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <string>
#include <string_view>
#include <vector>

/// The show: scenes, their scopes and recall safes ([control]: surfaces' threads, never audio).
namespace backline::show {

/// [any] Whether glob names address or a folder above it. A glob is an address whose segments
/// (between '/') may hold `*` (any run of characters within the segment) and `?` (any one
/// character); it matches an address whose first segments it matches, so it names one
/// parameter or a whole subtree: `/track/vox` and `/track/vox/*` are every parameter of track
/// vox (its DSP's, sends' and strip's too), `/bus/*/dsp` every bus DSP's, `/track/*/gain`
/// every track's fader.
bool globMatches(std::string_view glob, std::string_view address);

/// [any] A glob as a surface or the session writes it, made an address glob: a bare track name
/// (`vox`, no '/') stands for the whole track (`/track/vox`); a trailing '/' is dropped. The
/// error says what is wrong with an empty glob or one with an empty segment.
Result<std::string> parseGlob(std::string_view text);

/// A set of globs: what a scene holds when stored with a scope.
class SceneScope {
public:
    SceneScope() = default;
    explicit SceneScope(std::vector<std::string> globs)
        : globs_(std::move(globs))
    {
    }
    /// Whether no glob was given (then the scope is every parameter).
    bool everything() const noexcept { return globs_.empty(); }
    /// Whether address is in the scope.
    bool contains(std::string_view address) const;
    const std::vector<std::string>& globs() const noexcept { return globs_; }

private:
    std::vector<std::string> globs_;
};

} // namespace backline::show
