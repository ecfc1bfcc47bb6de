// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/SessionSpec.h"
#include "session/YamlReader.h"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

/// Internal to the session library: what tracks and buses are read alike ([control], like the
/// whole loader). A track or a bus is one of the `tracks:` or `buses:` list, a map with a
/// unique name; the keys they share (ChannelSpec) are read here once for both.
namespace backline::session {

/// A fader's range, for `gain` and a send's `level`.
inline constexpr NumberRange gainRange {-120.0, 12.0, "dB"};
/// A pan's (or balance's) range.
inline constexpr NumberRange panRange {-1.0, 1.0};

/// What tells tracks from buses when reading them: the words messages use and the keys each has.
struct ChannelKind {
    std::string_view noun;       ///< "track": names an entry in messages
    std::string_view list;       ///< "tracks": the session key of the list
    std::string_view example;    ///< a name for examples in messages ("vox")
    std::string_view emptyHint;  ///< appended to what the list must be, e.g. "; 'tracks: []' for none"
    std::string_view paramsHint; ///< appended to "'params' … needs a 'dsp' to apply to"
    std::span<const std::string_view> keys; ///< every key an entry may have, shared ones included
    std::size_t most;            ///< entries a session may hold
};

/// A track or bus as read, with where its name was written so a duplicate can point back at it.
template <typename Spec>
struct ReadChannel {
    Spec spec;
    SourceLocation nameAt;
};

/// Reads one entry of a `tracks:` or `buses:` list: opens it, reads its shared keys and checks
/// what every entry needs; the kind's own keys it hands to the caller.
class ChannelReader {
public:
    /// The number-th entry (1-based) of a kind's list, whose relative files resolve against folder.
    ChannelReader(const YamlReader& yaml, const std::filesystem::path& folder, const ChannelKind& kind,
        std::size_t number);

    /// Reads the entry node, which must be a map holding only the kind's keys, a `name` among
    /// them: the shared keys (name, dsp, params, gain, pan, mute, solo) into channel, each
    /// other one by readOwn(entry), which yields a Result<void>. Yields where the name was
    /// written; stops at the first problem.
    template <typename ReadOwn>
    Result<SourceLocation> read(const YAML::Node& node, ChannelSpec& channel, ReadOwn readOwn)
    {
        auto entries = open(node);
        if (!entries)
            return entries.error();
        for (const YamlEntry& entry : *entries) {
            auto shared = readShared(entry, channel);
            if (!shared)
                return shared.error();
            if (!*shared)
                if (auto own = readOwn(entry); !own)
                    return own.error();
        }
        return requireName(node);
    }
    /// Fails when `params` was given without a `dsp` to apply to.
    Result<void> requireDspForParams(const ChannelSpec& channel) const;

    /// How messages name the entry: "track 'vox'", or "track 3" while it has no name.
    const std::string& label() const { return label_; }

private:
    Result<std::vector<YamlEntry>> open(const YAML::Node& node);
    Result<bool> readShared(const YamlEntry& entry, ChannelSpec& channel);
    Result<SourceLocation> requireName(const YAML::Node& node) const;

    const YamlReader& yaml_;
    const std::filesystem::path& folder_;
    const ChannelKind& kind_;
    std::size_t number_;
    std::string label_;
    std::string context_;
    std::optional<SourceLocation> nameAt_;
    std::optional<YAML::Node> paramsKey_;
};

/// The list a kind's entries stand in: its shape, its size and its names.
class ChannelList {
public:
    ChannelList(const YamlReader& yaml, const ChannelKind& kind);

    /// Fails unless entry's value is a list.
    Result<void> checkShape(const YamlEntry& entry) const;
    /// Fails when a list already holding `count` entries cannot take the one at node.
    Result<void> checkRoom(const YAML::Node& node, std::size_t count) const;
    /// A second entry named `name` at `at`, the first one's name being at `firstAt`.
    Error duplicate(const SourceLocation& at, const std::string& name, const SourceLocation& firstAt) const;

private:
    const YamlReader& yaml_;
    const ChannelKind& kind_;
};

/// Reads a `tracks:` or `buses:` entry into channels, each entry by readOne(node, number),
/// which yields a ReadChannel<Spec>; stops at the first problem, a name used twice included.
template <typename Spec, typename ReadOne>
Result<void> readChannelList(const YamlReader& yaml, const YamlEntry& entry, const ChannelKind& kind,
    std::vector<Spec>& channels, ReadOne readOne)
{
    const ChannelList list(yaml, kind);
    if (auto shape = list.checkShape(entry); !shape)
        return shape;
    std::vector<SourceLocation> namesAt;
    for (const auto& node : entry.value) {
        if (auto room = list.checkRoom(node, channels.size()); !room)
            return room;
        Result<ReadChannel<Spec>> read = readOne(node, channels.size() + 1);
        if (!read)
            return read.error();
        for (std::size_t i = 0; i < channels.size(); ++i)
            if (channels[i].name == read->spec.name)
                return list.duplicate(read->nameAt, channels[i].name, namesAt[i]);
        channels.push_back(std::move(read->spec));
        namesAt.push_back(read->nameAt);
    }
    return {};
}

} // namespace backline::session
