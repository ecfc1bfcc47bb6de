// SPDX-License-Identifier: GPL-3.0-or-later
// LiveState: the live state's file format (YAML) and where the file lives ([control]).
#include "app/LiveState.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>

namespace backline::app {

namespace {

constexpr int formatVersion = 1;

std::string quoted(const std::string& text)
{
    YAML::Emitter out;
    out << YAML::DoubleQuoted << text;
    return out.c_str();
}

/// A float written so it reads back as the same float.
std::string exact(float value) { return fmt::format("{}", value); }

} // namespace

std::string toText(const LiveState& state, const std::string& sessionFile)
{
    std::string text = fmt::format("# backline's live state of {}: written as the show goes, read when it starts again.\n"
                                   "# Delete it to start from the session file.\nbackline_state: {}\n",
        sessionFile, formatVersion);
    if (!state.scene.empty())
        text += fmt::format("scene: {{name: {}, dirty: {}}}\n", quoted(state.scene), state.sceneDirty);
    if (state.bpm > 0)
        text += fmt::format("transport: {{bpm: {}, meter: [{}, {}], rolling: {}}}\n", state.bpm, state.meterNum,
            state.meterDen, state.rolling);
    if (!state.song.empty())
        text += fmt::format("song: {{name: {}, section: {}}}\n", quoted(state.song), quoted(state.section));
    text += "values:\n";
    for (const auto& v : state.values) {
        text += fmt::format("  - [{}, {}", quoted(v.address), exact(v.value));
        if (v.sessionSaid)
            text += ", " + exact(*v.sessionSaid);
        text += "]\n";
    }
    return text;
}

Result<LiveState> liveStateFromText(const std::string& text, const std::string& what)
{
    auto bad = [&](const std::string& why) {
        return makeError(ErrorCode::Session, fmt::format("{}: {} (it is not used)", what, why));
    };
    try {
        const YAML::Node root = YAML::Load(text);
        if (!root.IsMap() || !root["backline_state"] || root["backline_state"].as<int>() != formatVersion)
            return bad(fmt::format("not a live state of this backline (backline_state: {})", formatVersion));
        LiveState state;
        if (const auto scene = root["scene"]) {
            state.scene = scene["name"].as<std::string>();
            state.sceneDirty = scene["dirty"].as<bool>(false);
        }
        if (const auto transport = root["transport"]) {
            state.bpm = transport["bpm"].as<double>();
            state.meterNum = transport["meter"][0].as<int>();
            state.meterDen = transport["meter"][1].as<int>();
            state.rolling = transport["rolling"].as<bool>(false);
        }
        if (const auto song = root["song"]) {
            state.song = song["name"].as<std::string>();
            state.section = song["section"].as<std::string>("");
        }
        for (const auto& item : root["values"]) {
            if (!item.IsSequence() || item.size() < 2)
                return bad("a value is not [address, value, session's value]");
            const float value = item[1].as<float>();
            std::optional<float> said;
            if (item.size() > 2)
                said = item[2].as<float>();
            if (!std::isfinite(value))
                return bad("a value is not a number");
            state.values.emplace_back(item[0].as<std::string>(), value, said);
        }
        return state;
    } catch (const YAML::Exception& e) {
        return bad(e.what());
    }
}

std::filesystem::path liveStatePath(const std::filesystem::path& session)
{
    const std::string name = session.filename().string();
    if (const char* dir = std::getenv("STATE_DIRECTORY"); dir && *dir) {
        // systemd may give several, separated by colons: the first is the service's own.
        std::string first(dir);
        first = first.substr(0, first.find(':'));
        return std::filesystem::path(first) / (name + ".state");
    }
    return session.parent_path() / ("." + name + ".state");
}

} // namespace backline::app
