// SPDX-License-Identifier: GPL-3.0-or-later
// The show's keys of a session: `scenes:`, `safe:` and `scene_recall:` ([control]).
#include "session/SceneReader.h"

#include "core/Config.h"

#include <fmt/format.h>

#include <array>

namespace backline::session {

namespace {

constexpr std::array<std::string_view, 2> recallKeys {"when", "fade"};

/// One scene's values: `{/track/gtr/gain: -6, …}`.
Result<void> readSceneValues(const YamlReader& yaml, const YamlEntry& scene, SceneSpec& out)
{
    const std::string context = fmt::format("in scene '{}'", scene.key);
    if (scene.value.IsNull())
        return {}; // an empty scene: recalls nothing, but may be stored into later
    auto values = yaml.mapEntries(scene, context);
    if (!values)
        return values.error();
    for (const YamlEntry& value : *values) {
        if (value.key.empty() || value.key[0] != '/')
            return yaml.errorAt(yaml.locate(value.keyNode),
                fmt::format("{}: '{}' is not a parameter's address (they start with '/', like /track/vox/gain)", context,
                    value.key));
        auto number = yaml.number(value);
        if (!number)
            return number.error();
        out.values.push_back({value.key, *number, yaml.locate(value)});
    }
    return {};
}

} // namespace

Result<void> readScenes(const YamlReader& yaml, const YamlEntry& entry, std::vector<SceneSpec>& scenes)
{
    auto entries = yaml.mapEntries(entry, "in 'scenes'");
    if (!entries)
        return entries.error();
    for (const YamlEntry& scene : *entries) {
        if (auto problem = port::sceneNameProblem(scene.key); !problem.empty())
            return yaml.errorAt(yaml.locate(scene.keyNode), fmt::format("in 'scenes': {}", problem));
        SceneSpec spec;
        spec.name = scene.key;
        spec.where = yaml.locate(scene.keyNode);
        if (auto r = readSceneValues(yaml, scene, spec); !r)
            return r;
        scenes.push_back(std::move(spec));
    }
    return {};
}

Result<void> readSafe(const YamlReader& yaml, const YamlEntry& entry, std::vector<SafeSpec>& safe)
{
    if (!entry.value.IsSequence())
        return yaml.errorAt(yaml.locate(entry),
            fmt::format("'safe' must be a list of addresses, globs or track names like [/track/vox/gain, drums], got {}",
                YamlReader::describe(entry.value)));
    for (const auto& item : entry.value) {
        if (!item.IsScalar() || item.Scalar().empty())
            return yaml.errorAt(yaml.locate(item),
                fmt::format("each entry of 'safe' must be an address, a glob or a track's name, got {}",
                    YamlReader::describe(item)));
        safe.push_back({item.Scalar(), yaml.locate(item)});
    }
    return {};
}

Result<void> readSceneRecall(const YamlReader& yaml, const YamlEntry& entry, SceneRecallSpec& recall)
{
    recall.where = yaml.locate(entry);
    auto entries = yaml.mapEntries(entry, "in 'scene_recall'");
    if (!entries)
        return entries.error();
    if (auto known = yaml.checkKeys(*entries, recallKeys, "in 'scene_recall'"); !known)
        return known;
    for (const YamlEntry& field : *entries) {
        if (field.key == "fade") {
            auto fade = yaml.number(field, {0.0, config::maxMorphSeconds, "seconds"});
            if (!fade)
                return fade.error();
            recall.fadeSeconds = *fade;
        } else if (field.key == "when") {
            auto text = yaml.text(field);
            if (!text)
                return text.error();
            auto when = port::parseRecallWhen(*text);
            if (!when)
                return yaml.errorAt(yaml.locate(field), fmt::format("'when' must be now, beat or bar, got '{}'", *text));
            recall.when = *when;
        }
    }
    return {};
}

} // namespace backline::session
