// SPDX-License-Identifier: GPL-3.0-or-later
// The running session written into its file's text: each live value where the file holds it,
// scenes and safes whole when they changed, everything else as the user wrote it ([control]).
#include "session/SessionWriter.h"

#include "session/YamlDocument.h"
#include "session/YamlTextEdit.h"

#include <fmt/format.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <unordered_map>

namespace backline::session {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

/// The most values a new map is given on one line (`{a: 1, b: 2}`); more go a line each.
constexpr std::size_t mostOnOneLine = 6;

/// The value of key in map, or an invalid node.
YAML::Node child(const YAML::Node& map, std::string_view key)
{
    if (map.IsMap())
        for (const auto& pair : map)
            if (pair.first.IsScalar() && pair.first.Scalar() == key)
                return pair.second;
    return YAML::Node(YAML::NodeType::Undefined);
}

/// The item of list whose `field:` says name.
YAML::Node itemNamed(const YAML::Node& list, std::string_view field, std::string_view name)
{
    if (list.IsSequence())
        for (const auto& item : list) {
            const YAML::Node value = child(item, field);
            if (value.IsDefined() && value.IsScalar() && value.Scalar() == name)
                return item;
        }
    return YAML::Node(YAML::NodeType::Undefined);
}

/// What the file is to say of one track, bus or the master.
struct Owner {
    Pairs keys;                          ///< gain, pan, mute, output, …
    std::map<std::string, Pairs> nested; ///< params, strip, chain: path → value
    std::map<std::string, Pairs> sends;  ///< bus → its send's level and pre
    bool outputDone = false;             ///< its routes were looked at
};

class Writer {
public:
    Writer(const SessionSpec& spec, const LiveSession& live, YAML::Node root)
        : spec_(spec)
        , live_(live)
        , root_(std::move(root))
        , edit_(spec.text)
    {
        for (const auto& value : live.values)
            byAddress_.emplace(value.address, &value);
    }

    Result<WrittenSession> write()
    {
        for (const auto& value : live_.values)
            if (value.value != value.fileValue)
                place(value);
        for (auto& [name, owner] : owners_)
            if (auto r = writeOwner(name, owner); !r)
                return r.error();
        if (auto r = writeScenes(); !r)
            return r.error();
        if (auto r = writeConnections(); !r)
            return r.error();
        if (auto r = writeMidi(); !r)
            return r.error();
        if (auto r = writeSafe(); !r)
            return r.error();
        auto text = edit_.result();
        if (!text)
            return text.error();
        return WrittenSession {std::move(*text), std::move(notWritten_)};
    }

private:
    static std::string text(const LiveValue& value, bool boolean)
    {
        return boolean ? (value.value >= 0.5f ? "true" : "false") : fileNumber(value.value);
    }

    /// Files value under the key of its owner that the loader reads it from.
    void place(const LiveValue& value)
    {
        const std::string_view address = value.address;
        for (const std::string_view kind : {"/track/", "/bus/"}) {
            if (!address.starts_with(kind))
                continue;
            const std::size_t slash = address.find('/', kind.size());
            if (slash == std::string_view::npos)
                break;
            const std::string name(address.substr(kind.size(), slash - kind.size()));
            placeChannel(kind == "/track/", name, std::string(address.substr(slash + 1)), value);
            return;
        }
        if (address.starts_with("/master/")) {
            const std::string rest(address.substr(8));
            Owner& master = owners_["master"];
            if (rest == "gain")
                master.keys.emplace_back("gain", text(value, false));
            else if (rest.starts_with("dsp/"))
                master.nested["params"].emplace_back(rest.substr(4), text(value, false));
            else
                master.nested["chain"].emplace_back(rest, text(value, false));
            return;
        }
        notWritten_.push_back({value.address, "no key of the session holds it"});
    }

    void placeChannel(bool track, const std::string& name, const std::string& rest, const LiveValue& value)
    {
        Owner& owner = owners_[(track ? "track/" : "bus/") + name];
        const bool boolean = rest == "mute" || rest == "solo" || (!track && rest == "solo_safe");
        if (rest == "gain" || rest == "pan" || boolean) {
            owner.keys.emplace_back(rest, text(value, boolean));
        } else if (rest.starts_with("dsp/")) {
            owner.nested["params"].emplace_back(rest.substr(4), text(value, false));
        } else if (track && rest.starts_with("send/")) {
            placeSend(owner, name, rest.substr(5));
        } else if (track && rest.starts_with("route/")) {
            placeOutput(owner, name);
        } else if (track) {
            owner.nested["strip"].emplace_back(rest, text(value, false));
        } else {
            notWritten_.push_back({value.address, "no key of the session holds it"});
        }
    }

    /// A send written whole (level and pre) once either changed.
    void placeSend(Owner& owner, const std::string& track, const std::string& rest)
    {
        const std::string bus = rest.substr(0, rest.find('/'));
        if (owner.sends.contains(bus))
            return;
        const std::string prefix = fmt::format("/track/{}/send/{}/", track, bus);
        Pairs& send = owner.sends[bus];
        if (const auto* level = find(prefix + "level"))
            send.emplace_back("level", text(*level, false));
        if (const auto* pre = find(prefix + "pre"))
            send.emplace_back("pre", text(*pre, true));
    }

    /// `output:` names the one route that is on; other combinations have no key.
    void placeOutput(Owner& owner, const std::string& track)
    {
        if (owner.outputDone)
            return;
        owner.outputDone = true;
        const std::string prefix = fmt::format("/track/{}/route/", track);
        std::vector<std::string> on;
        for (const auto& other : live_.values)
            if (other.address.starts_with(prefix) && other.value >= 0.5f)
                on.push_back(other.address.substr(prefix.size()));
        if (on.size() == 1) {
            owner.keys.emplace_back("output", yamlScalar(on.front()));
            return;
        }
        const std::string why = fmt::format("'output' names one destination, and the track now goes to {}",
            on.empty() ? std::string("none") : fmt::format("{}", fmt::join(on, " and ")));
        for (const auto& other : live_.values)
            if (other.address.starts_with(prefix))
                notWritten_.push_back({other.address, why});
    }

    const LiveValue* find(const std::string& address) const
    {
        const auto it = byAddress_.find(address);
        return it == byAddress_.end() ? nullptr : it->second;
    }

    /// key: value in map, in place when the map has the key.
    Result<void> set(const YAML::Node& map, const std::string& key, const std::string& value)
    {
        const YAML::Node node = child(map, key);
        if (node.IsDefined() && node.IsScalar())
            return edit_.replaceScalar(node, value);
        if (node.IsDefined() && !node.IsNull())
            return makeError(ErrorCode::Session, fmt::format("'{}' is not a single value", key));
        return edit_.addToMap(map, key, value);
    }

    Result<void> writeOwner(const std::string& name, const Owner& owner)
    {
        YAML::Node map;
        if (name == "master") {
            map = child(root_, "master");
            if (!map.IsDefined() || map.IsNull()) {
                edit_.append(fmt::format("master: {}\n", yamlFlowMap(flatten(owner))));
                return {};
            }
        } else {
            const bool track = name.starts_with("track/");
            map = itemNamed(child(root_, track ? "tracks" : "buses"), "name", name.substr(name.find('/') + 1));
        }
        if (!map.IsDefined() || !map.IsMap())
            return makeError(ErrorCode::Session, fmt::format("{} is not in the file", name));
        for (const auto& [key, value] : owner.keys)
            if (auto r = set(map, key, value); !r)
                return r;
        for (const auto& [key, pairs] : owner.nested) {
            const YAML::Node inner = child(map, key);
            if (!inner.IsDefined() || inner.IsNull()) {
                auto added = pairs.size() <= mostOnOneLine ? set(map, key, yamlFlowMap(pairs))
                                                           : edit_.addMapToMap(map, key, pairs);
                if (!added)
                    return added;
                continue;
            }
            for (const auto& [path, value] : pairs)
                if (auto r = set(inner, path, value); !r)
                    return r;
        }
        return writeSends(map, owner.sends);
    }

    /// An owner the file does not have (only the master may be missing), as one flow map.
    static Pairs flatten(const Owner& owner)
    {
        Pairs pairs = owner.keys;
        for (const auto& [key, inner] : owner.nested)
            pairs.emplace_back(key, yamlFlowMap(inner));
        return pairs;
    }

    Result<void> writeSends(const YAML::Node& track, const std::map<std::string, Pairs>& sends)
    {
        const YAML::Node list = child(track, "sends");
        std::vector<std::string> added;
        for (const auto& [bus, pairs] : sends) {
            const YAML::Node send = itemNamed(list, "bus", bus);
            if (!send.IsDefined()) {
                Pairs whole {{"bus", yamlScalar(bus)}};
                for (const auto& pair : pairs)
                    if (pair != std::pair<std::string, std::string>("pre", "false")) // the default
                        whole.push_back(pair);
                added.push_back(yamlFlowMap(whole));
                continue;
            }
            for (const auto& [key, value] : pairs)
                if (auto r = set(send, key, value); !r)
                    return r;
        }
        if (added.empty())
            return {};
        if (!list.IsDefined() || list.IsNull())
            return set(track, "sends", fmt::format("[{}]", fmt::join(added, ", ")));
        for (const auto& item : added)
            if (auto r = edit_.addToSequence(list, item); !r)
                return r;
        return {};
    }

    /// The top-level key, and the one after it in the file.
    std::pair<YAML::Node, YAML::Node> topLevel(std::string_view key) const
    {
        bool found = false;
        YAML::Node keyNode(YAML::NodeType::Undefined);
        for (const auto& pair : root_) {
            if (found)
                return {keyNode, pair.first};
            if (pair.first.IsScalar() && pair.first.Scalar() == key) {
                keyNode = pair.first;
                found = true;
            }
        }
        return {keyNode, YAML::Node(YAML::NodeType::Undefined)};
    }

    Result<void> writeTopLevel(std::string_view key, const std::string& lines)
    {
        const auto [keyNode, next] = topLevel(key);
        if (!keyNode.IsDefined()) {
            edit_.append(lines);
            return {};
        }
        return edit_.replaceTopLevel(keyNode, next.IsDefined() ? &next : nullptr, lines);
    }

    bool scenesChanged() const
    {
        if (live_.scenes.size() != spec_.scenes.size())
            return true;
        for (std::size_t i = 0; i < live_.scenes.size(); ++i) {
            const auto& now = live_.scenes[i];
            const auto& file = spec_.scenes[i];
            if (now.name != file.name || now.values.size() != file.values.size())
                return true;
            for (std::size_t v = 0; v < now.values.size(); ++v)
                if (now.values[v].first != file.values[v].address
                    || float(now.values[v].second) != float(file.values[v].value))
                    return true;
        }
        return false;
    }

    Result<void> writeScenes()
    {
        if (!scenesChanged())
            return {};
        if (live_.scenes.empty())
            return writeTopLevel("scenes", "scenes: {}\n");
        // A short scene on one line, as people write them; a long one a value a line.
        std::string lines = "scenes:\n";
        for (const auto& scene : live_.scenes) {
            Pairs values;
            for (const auto& [address, value] : scene.values)
                values.emplace_back(address, fileNumber(float(value)));
            if (values.size() <= mostOnOneLine) {
                lines += fmt::format("  {}: {}\n", yamlScalar(scene.name), yamlFlowMap(values));
                continue;
            }
            lines += fmt::format("  {}:\n", yamlScalar(scene.name));
            for (const auto& [address, value] : values)
                lines += fmt::format("    {}: {}\n", yamlScalar(address), value);
        }
        return writeTopLevel("scenes", lines);
    }

    /// The `midi:` map, rewritten whole when its mappings changed (its other keys as the
    /// file gave them; comments inside it go, as with scenes).
    Result<void> writeMidi()
    {
        if (!live_.midiMap)
            return {};
        const MidiSpec& midi = spec_.midi;
        const bool same = live_.midiMap->size() == midi.map.size()
            && std::equal(live_.midiMap->begin(), live_.midiMap->end(), midi.map.begin(),
                [](const midi::MidiMapping& a, const MidiMapSpec& b) { return a == b.mapping; });
        if (same)
            return {};
        std::string lines = "midi:\n";
        if (midi.api != MidiApi::Auto)
            lines += fmt::format("  api: {}\n", midi.api == MidiApi::Alsa ? "alsa" : "jack");
        auto list = [](const std::vector<std::string>& patterns) {
            std::vector<std::string> quoted;
            for (const auto& p : patterns)
                quoted.push_back(yamlScalar(p));
            return fmt::format("[{}]", fmt::join(quoted, ", "));
        };
        if (!midi.inputs.empty())
            lines += fmt::format("  inputs: {}\n", list(midi.inputs));
        if (!midi.outputs.empty())
            lines += fmt::format("  outputs: {}\n", list(midi.outputs));
        if (midi.feedbackRate != MidiSpec {}.feedbackRate)
            lines += fmt::format("  feedback_rate: {}\n", midi.feedbackRate);
        if (!midi.programScenes)
            lines += "  program_change: off\n";
        if (!midi.jackIn.empty())
            lines += fmt::format("  jack_in: {}\n", list(midi.jackIn));
        if (!midi.jackOut.empty())
            lines += fmt::format("  jack_out: {}\n", list(midi.jackOut));
        if (midi.clock != MidiSpec::Clock {}) {
            std::vector<std::string> clock {fmt::format("out: {}", midi.clock.out)};
            if (!midi.clock.connect.empty())
                clock.push_back(fmt::format("connect: {}", list(midi.clock.connect)));
            if (!midi.clock.whileStopped)
                clock.push_back("while_stopped: false");
            if (midi.clock.in)
                clock.push_back("in: true");
            lines += fmt::format("  clock: {{{}}}\n", fmt::join(clock, ", "));
        }
        if (live_.midiMap->empty()) {
            lines += "  map: []\n";
            return writeTopLevel("midi", lines);
        }
        lines += "  map:\n";
        for (const auto& m : *live_.midiMap) {
            Pairs pairs;
            pairs.emplace_back(midi::toString(m.source.kind), std::to_string(m.source.number));
            if (m.source.channel != 0)
                pairs.emplace_back("channel", std::to_string(m.source.channel));
            if (m.source.kind == midi::MidiSource::Kind::Program)
                pairs.emplace_back("scene", yamlScalar(m.scene));
            else
                pairs.emplace_back("to", yamlScalar(m.address));
            if (m.curve)
                pairs.emplace_back("curve", midi::toString(*m.curve));
            if (m.min)
                pairs.emplace_back("min", fmt::format("{}", *m.min));
            if (m.max)
                pairs.emplace_back("max", fmt::format("{}", *m.max));
            if (!m.pickup)
                pairs.emplace_back("pickup", "false");
            lines += fmt::format("    - {}\n", yamlFlowMap(pairs));
        }
        return writeTopLevel("midi", lines);
    }

    /// `connections:`, rewritten whole when the rules changed (comments inside it go).
    Result<void> writeConnections()
    {
        if (!live_.connections)
            return {};
        const auto& file = spec_.connections;
        const bool same = live_.connections->size() == file.size()
            && std::equal(live_.connections->begin(), live_.connections->end(), file.begin(),
                [](const port::ConnectionRule& a, const ConnectionSpec& b) { return a == b.rule; });
        if (same)
            return {};
        if (live_.connections->empty())
            return writeTopLevel("connections", "connections: []\n");
        std::string lines = "connections:\n";
        for (const auto& rule : *live_.connections)
            lines += fmt::format("  - {{from: {}, to: {}}}\n", yamlScalar(rule.from), yamlScalar(rule.to));
        return writeTopLevel("connections", lines);
    }

    Result<void> writeSafe()
    {
        if (!live_.safe)
            return {};
        std::vector<std::string> globs;
        for (const auto& glob : *live_.safe)
            globs.push_back(yamlScalar(glob));
        return writeTopLevel("safe", fmt::format("safe: [{}]\n", fmt::join(globs, ", ")));
    }

    const SessionSpec& spec_;
    const LiveSession& live_;
    YAML::Node root_;
    YamlTextEdit edit_;
    std::unordered_map<std::string, const LiveValue*> byAddress_;
    std::map<std::string, Owner> owners_; // by "track/<name>", "bus/<name>", "master"
    std::vector<WrittenSession::Missing> notWritten_;
};

} // namespace

std::string fileNumber(float value) { return fmt::format("{}", value); }

Result<WrittenSession> writeSession(const SessionSpec& spec, const LiveSession& live)
{
    const YamlReader yaml(spec.file.string());
    // yaml-cpp throws; nothing may leave this module as an exception.
    try {
        auto root = parseYamlDocument(spec.text, yaml);
        if (!root)
            return root.error();
        const auto rootAt = std::size_t(root->Mark().pos);
        if (!root->IsMap() || root->Mark().is_null() || rootAt >= spec.text.size() || spec.text[rootAt] == '{')
            return makeError(
                ErrorCode::Session, fmt::format("{}: the saver edits block-style session files only", spec.file.string()));
        auto written = Writer(spec, live, *root).write();
        if (!written)
            return makeError(ErrorCode::Session,
                fmt::format("{}: cannot write the session into its file: {}", spec.file.string(), written.error().message));
        return written;
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Session, fmt::format("{}: cannot write the session: {}", spec.file.string(), e.what()));
    }
}

} // namespace backline::session
