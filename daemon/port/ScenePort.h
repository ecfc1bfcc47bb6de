// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "core/TransportRules.h"
#include "port/Param.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace backline::port {

/// When a recall lands: at once, or on the first sample of the next beat or bar while the
/// transport rolls (stopped, a quantised recall lands at once).
struct RecallWhen {
    std::optional<transport::Boundary> boundary; ///< nullopt: now
    bool operator==(const RecallWhen&) const = default;
};

/// "now", "beat" or "bar".
std::string_view toString(RecallWhen when);
/// The moment a surface or the session names ("now", "beat", "bar"), if it names one.
std::optional<RecallWhen> parseRecallWhen(std::string_view text);

/// Longest scene name, in bytes.
inline constexpr std::size_t maxSceneNameBytes = 64;
/// What is wrong with name as a scene's name (empty, too long, a control character); empty
/// when it may be one. The one rule, for the session file and every surface.
std::string sceneNameProblem(std::string_view name);

/// The scene last recalled (or stored), and whether a parameter it holds was set since by
/// anything but a recall or an undo.
struct SceneCurrent {
    std::string name; ///< empty: none yet
    bool dirty = false;
    /// Counts recalls, undos, stores, renames, deletes of the current scene and dirty turning
    /// on: a new count means surfaces should be told.
    std::uint64_t changes = 0;
};

/// A recall's fade and moment, each optional: what is left out comes from the session's
/// `scene_recall:` defaults (fade 0, now).
struct RecallOptions {
    std::optional<double> fadeSeconds;
    std::optional<RecallWhen> when;
    /// The engine frame it starts on (a timed OSC bundle's); with a `when` of beat or bar, the
    /// first line at or after it. 0: the next audio block.
    std::uint64_t atFrame = 0;
};

/// Named sets of parameter values and their recall, as every surface reaches them (OSC today,
/// MIDI program change and the web next): implemented by the show's scene book
/// (show::SceneBook). Thread-safe; never called on the audio thread. A refused request changes
/// nothing; its error says why in words.
class ScenePort {
public:
    virtual ~ScenePort() = default;
    /// Stores the current value of every parameter matching one of scope's globs (every
    /// parameter when scope is empty; never the triggers) as scene name, replacing one of that
    /// name; it becomes the current scene, clean. Returns how many values it holds. A glob that
    /// matches nothing is an error.
    virtual Result<std::size_t> store(std::string_view name, std::span<const std::string> scope) = 0;
    /// Recalls scene name: every value it holds but the recall-safe ones, all in one audio
    /// block (ParamPort::morph), at the moment asked, with the fade asked.
    virtual Result<void> recall(std::string_view name, RecallOptions options = {}) = 0;
    /// The scenes' names, in the session's order, then in the order they were stored.
    virtual std::vector<std::string> list() const = 0;
    /// The values scene name holds, in its order.
    virtual Result<std::vector<ParamChange>> get(std::string_view name) const = 0;
    /// Deletes scene name.
    virtual Result<void> remove(std::string_view name) = 0;
    /// Renames scene from to to (which must be free).
    virtual Result<void> rename(std::string_view from, std::string_view to) = 0;
    /// Puts back the values from before the last recall (or undo: a second undo redoes), with
    /// that recall's fade, at once; recall-safe parameters are left alone.
    virtual Result<void> undo() = 0;
    /// The current scene and whether it is dirty.
    virtual SceneCurrent current() const = 0;
    /// Blind edit: sets address to value in scene name only (checked by the parameter's
    /// rules; nothing playing changes). Returns the value stored (snapped to a step).
    virtual Result<float> edit(std::string_view name, std::string_view address, double value) = 0;
    /// Makes the parameters matching glob recall-safe (on) or not (off); a later glob
    /// overrides an earlier one where both match. A glob that matches nothing is an error.
    virtual Result<void> setSafe(std::string_view glob, bool on) = 0;
    /// The recall-safe globs, with whether each is on, in the order they were set.
    virtual std::vector<std::pair<std::string, bool>> safe() const = 0;
};

} // namespace backline::port
