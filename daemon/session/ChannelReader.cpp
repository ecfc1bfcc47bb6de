// SPDX-License-Identifier: GPL-3.0-or-later
// The keys tracks and buses share, and the shape of their lists, read once for both ([control]).
#include "session/ChannelReader.h"

#include "session/DspReader.h"

#include <fmt/format.h>

#include <algorithm>

namespace backline::session {

namespace {

constexpr std::size_t maxNameLength = 64;

/// Why `name` cannot name a track or bus (`noun`), or empty when it can. The names stand in OSC
/// addresses (/track/<name>/gain), hence the narrow alphabet.
std::string nameProblem(const std::string& name, std::string_view noun)
{
    if (name.size() > maxNameLength)
        return fmt::format("{} name '{}...' is too long ({} characters at most)", noun, name.substr(0, maxNameLength),
            maxNameLength);
    const bool wordChars = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!wordChars)
        return fmt::format("{} name '{}' may only use letters, digits, '_' and '-' (it becomes part of OSC "
                           "addresses like /{}/<name>/gain)",
            noun, name, noun);
    if (name == "master")
        return fmt::format("{} name 'master' is reserved for the master bus", noun);
    return {};
}

} // namespace

ChannelReader::ChannelReader(
    const YamlReader& yaml, const std::filesystem::path& folder, const ChannelKind& kind, std::size_t number)
    : yaml_(yaml)
    , folder_(folder)
    , kind_(kind)
    , number_(number)
    , label_(fmt::format("{} {}", kind.noun, number))
    , context_("in " + label_)
{
}

/// The entries of node, which must be a map holding only the kind's keys.
Result<std::vector<YamlEntry>> ChannelReader::open(const YAML::Node& node)
{
    if (!node.IsMap())
        return yaml_.errorAt(yaml_.locate(node),
            fmt::format("each entry of '{}' must be a map like '- name: {}', got {}", kind_.list, kind_.example,
                YamlReader::describe(node)));
    // Messages name the entry by what it says, even before the name is checked.
    for (const auto& pair : node)
        if (pair.first.IsScalar() && pair.first.Scalar() == "name" && pair.second.IsScalar())
            label_ = fmt::format("{} '{}'", kind_.noun, pair.second.Scalar());
    context_ = "in " + label_;
    auto entries = yaml_.entries(node, context_);
    if (!entries)
        return entries.error();
    if (auto known = yaml_.checkKeys(*entries, kind_.keys, context_); !known)
        return known.error();
    return entries;
}

/// Reads entry into channel when it is a shared key; false when it is one of the kind's own.
Result<bool> ChannelReader::readShared(const YamlEntry& entry, ChannelSpec& channel)
{
    if (entry.key == "name") {
        auto name = yaml_.text(entry);
        if (!name)
            return name.error();
        if (const std::string problem = nameProblem(*name, kind_.noun); !problem.empty())
            return yaml_.errorAt(yaml_.locate(entry), problem);
        channel.name = std::move(*name);
        nameAt_ = yaml_.locate(entry);
    } else if (entry.key == "dsp") {
        auto dsp = readDsp(yaml_, entry, folder_);
        if (!dsp)
            return dsp.error();
        channel.dsp = std::move(*dsp);
    } else if (entry.key == "params") {
        auto values = readDspParams(yaml_, entry, label_);
        if (!values)
            return values.error();
        channel.dspParams = std::move(*values);
        paramsKey_ = entry.keyNode;
    } else if (entry.key == "gain") {
        auto gain = yaml_.number(entry, gainRange);
        if (!gain)
            return gain.error();
        channel.gainDb = *gain;
    } else if (entry.key == "pan") {
        auto pan = yaml_.number(entry, panRange);
        if (!pan)
            return pan.error();
        channel.pan = *pan;
    } else if (entry.key == "mute" || entry.key == "solo") {
        auto flag = yaml_.boolean(entry);
        if (!flag)
            return flag.error();
        (entry.key == "mute" ? channel.mute : channel.solo) = *flag;
    } else {
        return false;
    }
    return true;
}

/// Where the `name:` value was written; fails, pointing at the entry node, when it had none.
Result<SourceLocation> ChannelReader::requireName(const YAML::Node& node) const
{
    if (!nameAt_)
        return yaml_.errorAt(yaml_.locate(node),
            fmt::format("{} {} has no 'name' (every {} needs one, like 'name: {}')", kind_.noun, number_, kind_.noun,
                kind_.example));
    return *nameAt_;
}

Result<void> ChannelReader::requireDspForParams(const ChannelSpec& channel) const
{
    if (paramsKey_ && channel.dsp.kind == DspSpec::Kind::None)
        return yaml_.errorAt(yaml_.locate(*paramsKey_),
            fmt::format("'params' {} needs a 'dsp' to apply to{}", context_, kind_.paramsHint));
    return {};
}

ChannelList::ChannelList(const YamlReader& yaml, const ChannelKind& kind)
    : yaml_(yaml)
    , kind_(kind)
{
}

Result<void> ChannelList::checkShape(const YamlEntry& entry) const
{
    if (!entry.value.IsSequence())
        return yaml_.errorAt(yaml_.locate(entry),
            fmt::format("'{}' must be a list of {} (each starting with '- name: ...'{}), got {}", kind_.list,
                kind_.list, kind_.emptyHint, YamlReader::describe(entry.value)));
    return {};
}

Result<void> ChannelList::checkRoom(const YAML::Node& node, std::size_t count) const
{
    if (count >= kind_.most)
        return yaml_.errorAt(
            yaml_.locate(node), fmt::format("too many {}: a session holds at most {}", kind_.list, kind_.most));
    return {};
}

Error ChannelList::duplicate(const SourceLocation& at, const std::string& name, const SourceLocation& firstAt) const
{
    return yaml_.errorAt(
        at, fmt::format("duplicate {} name '{}' (first defined at {}:{})", kind_.noun, name, firstAt.line, firstAt.column));
}

} // namespace backline::session
