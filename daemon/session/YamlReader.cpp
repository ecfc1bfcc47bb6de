// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/YamlReader.h"

#include "core/ClosestMatch.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

namespace backline::session {

namespace {

constexpr std::size_t maxQuotedLength = 40;

bool isNull(const YAML::Node& node) { return !node.IsDefined() || node.IsNull(); }

std::string lowercase(std::string_view text)
{
    std::string out(text);
    std::transform(
        out.begin(), out.end(), out.begin(), [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
    return out;
}

/// YAML's spellings of NaN and infinity (".nan", "-.inf", …) and the C ones from_chars knows.
bool spellsNonFinite(std::string_view text)
{
    if (!text.empty() && (text.front() == '+' || text.front() == '-'))
        text.remove_prefix(1);
    const std::string word = lowercase(text);
    return word == ".nan" || word == ".inf" || word == "nan" || word == "inf" || word == "infinity";
}

/// A decimal number, whole text consumed. YAML 1.1's hex, octal and 1_000 forms are not
/// numbers here: a session should read the same to a person as to the loader.
std::optional<double> parseDouble(std::string_view text)
{
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    if (text.empty() || text.front() == '+')
        return std::nullopt;
    double value = 0.0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
    if (ec != std::errc {} || end != text.data() + text.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<long long> parseInteger(std::string_view text)
{
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    if (text.empty() || text.front() == '+')
        return std::nullopt;
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
    if (ec != std::errc {} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

constexpr std::array<std::string_view, 11> trueWords { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON",
    "y", "Y" };
constexpr std::array<std::string_view, 11> falseWords { "false", "False", "FALSE", "no", "No", "NO", "off", "Off",
    "OFF", "n", "N" };

} // namespace

YamlReader::YamlReader(std::string file)
    : file_(std::move(file))
{
}

SourceLocation YamlReader::locate(const YAML::Node& node) const
{
    if (!node.IsDefined())
        return SourceLocation { file_, 0, 0 };
    const YAML::Mark mark = node.Mark();
    if (mark.is_null())
        return SourceLocation { file_, 0, 0 };
    return SourceLocation { file_, mark.line + 1, mark.column + 1 };
}

SourceLocation YamlReader::locate(const YamlEntry& entry) const
{
    return isNull(entry.value) ? locate(entry.keyNode) : locate(entry.value);
}

Error YamlReader::errorAt(const SourceLocation& where, std::string_view message) const
{
    return where.error(message);
}

Error YamlReader::expected(const YamlEntry& entry, std::string_view what) const
{
    return errorAt(locate(entry), fmt::format("'{}' must be {}, got {}", entry.key, what, describe(entry.value)));
}

std::string YamlReader::describe(const YAML::Node& node)
{
    if (isNull(node))
        return "nothing";
    if (node.IsSequence())
        return "a list";
    if (node.IsMap())
        return "a map";
    const std::string& text = node.Scalar();
    if (text.size() > maxQuotedLength)
        return fmt::format("'{}...'", text.substr(0, maxQuotedLength));
    return fmt::format("'{}'", text);
}

Result<std::vector<YamlEntry>> YamlReader::entries(const YAML::Node& map, std::string_view context) const
{
    std::vector<YamlEntry> out;
    for (const auto& pair : map) {
        const YAML::Node& key = pair.first;
        if (!key.IsScalar())
            return errorAt(locate(key), fmt::format("keys {} must be plain words, got {}", context, describe(key)));
        const auto first
            = std::find_if(out.begin(), out.end(), [&](const YamlEntry& e) { return e.key == key.Scalar(); });
        if (first != out.end()) {
            const SourceLocation firstAt = locate(first->keyNode);
            return errorAt(locate(key),
                fmt::format("duplicate key '{}' {} (first given at {}:{})", key.Scalar(), context, firstAt.line,
                    firstAt.column));
        }
        out.push_back(YamlEntry { key.Scalar(), key, pair.second });
    }
    return out;
}

Result<std::vector<YamlEntry>> YamlReader::mapEntries(const YamlEntry& entry, std::string_view context) const
{
    if (!entry.value.IsMap())
        return expected(entry, "a map of keys and values");
    return entries(entry.value, context);
}

Result<void> YamlReader::checkKeys(
    const std::vector<YamlEntry>& entries, std::span<const std::string_view> known, std::string_view context) const
{
    for (const YamlEntry& entry : entries) {
        if (std::find(known.begin(), known.end(), entry.key) != known.end())
            continue;
        std::string message = fmt::format("unknown key '{}' {}", entry.key, context);
        if (const auto suggestion = closestMatch(entry.key, known))
            message += fmt::format(" (did you mean '{}'?)", *suggestion);
        else
            message += fmt::format(" (expected one of: {})", fmt::join(known, ", "));
        return errorAt(locate(entry.keyNode), message);
    }
    return {};
}

Result<std::string> YamlReader::text(const YamlEntry& entry) const
{
    if (!entry.value.IsScalar())
        return expected(entry, "text");
    if (entry.value.Scalar().empty())
        return errorAt(locate(entry), fmt::format("'{}' must not be empty", entry.key));
    return entry.value.Scalar();
}

Result<double> YamlReader::number(const YamlEntry& entry, NumberRange range) const
{
    const std::string what
        = fmt::format("a number{}{} from {} to {}", range.unit.empty() ? "" : " in ", range.unit, range.min, range.max);
    auto value = number(entry);
    if (!value)
        return expected(entry,
            what
                + (entry.value.IsScalar() && spellsNonFinite(entry.value.Scalar())
                        ? " (NaN and infinity are not allowed)"
                        : ""));
    if (*value < range.min || *value > range.max)
        return expected(entry, what);
    return *value;
}

Result<double> YamlReader::number(const YamlEntry& entry) const
{
    if (!entry.value.IsScalar())
        return expected(entry, "a number");
    const std::string& text = entry.value.Scalar();
    if (spellsNonFinite(text))
        return expected(entry, "a finite number (NaN and infinity are not allowed)");
    const auto value = parseDouble(text);
    if (!value)
        return expected(entry, "a number");
    return *value;
}

Result<int> YamlReader::integer(const YamlEntry& entry, int min, int max) const
{
    const std::string what
        = max == min + 1 ? fmt::format("{} or {}", min, max) : fmt::format("a whole number from {} to {}", min, max);
    if (!entry.value.IsScalar())
        return expected(entry, what);
    const auto value = parseInteger(entry.value.Scalar());
    if (!value || *value < min || *value > max)
        return expected(entry, what);
    return int(*value);
}

Result<bool> YamlReader::boolean(const YamlEntry& entry) const
{
    if (entry.value.IsScalar()) {
        const std::string& text = entry.value.Scalar();
        if (std::find(trueWords.begin(), trueWords.end(), text) != trueWords.end())
            return true;
        if (std::find(falseWords.begin(), falseWords.end(), text) != falseWords.end())
            return false;
    }
    return expected(entry, "true or false");
}

Result<std::vector<std::string>> YamlReader::textList(
    const YamlEntry& entry, std::string_view itemName, std::string_view example) const
{
    if (!entry.value.IsSequence())
        return expected(entry, fmt::format("a list like {}", example));
    std::vector<std::string> out;
    for (const auto& item : entry.value) {
        if (!item.IsScalar() || item.Scalar().empty())
            return errorAt(locate(item),
                fmt::format("each entry of '{}' must be {}, got {}", entry.key, itemName, describe(item)));
        out.push_back(item.Scalar());
    }
    return out;
}

} // namespace backline::session
