// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/DspReader.h"

#include "session/FileReference.h"

#include <fmt/format.h>

#include <algorithm>

namespace backline::session {

namespace {

bool isBuiltinName(std::string_view name)
{
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

/// Why `path` cannot be a parameter path relative to a DSP, or empty when it can. The
/// segments themselves are the DSP's labels; only the graph builder knows which exist.
std::string_view pathProblem(std::string_view path)
{
    if (path.empty())
        return "is empty";
    if (path.front() == '/')
        return "must be relative to the DSP, without a leading '/'";
    if (path.back() == '/')
        return "must not end with '/'";
    if (path.find("//") != std::string_view::npos)
        return "has an empty part between two '/'";
    return {};
}

} // namespace

Result<DspSpec> readDsp(const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder)
{
    auto text = yaml.text(entry);
    if (!text)
        return text.error();
    DspSpec dsp;
    dsp.where = yaml.locate(entry);
    if (text->ends_with(".dsp")) {
        auto file = readExistingFile(yaml, entry, folder, "dsp file");
        if (!file)
            return file.error();
        dsp.kind = DspSpec::Kind::File;
        dsp.file = std::move(*file);
        return dsp;
    }
    if (!isBuiltinName(*text))
        return yaml.errorAt(dsp.where,
            fmt::format("'dsp' must be a built-in DSP name (lowercase letters, digits and '_', like 'drone') "
                        "or a file ending in '.dsp', got '{}'",
                *text));
    dsp.kind = DspSpec::Kind::Builtin;
    dsp.builtin = std::move(*text);
    return dsp;
}

Result<std::vector<DspParamSpec>> readDspParams(const YamlReader& yaml, const YamlEntry& entry, std::string_view owner)
{
    auto entries = yaml.mapEntries(entry, fmt::format("in '{}' of {}", entry.key, owner));
    if (!entries)
        return entries.error();
    std::vector<DspParamSpec> params;
    params.reserve(entries->size());
    for (const YamlEntry& param : *entries) {
        if (const std::string_view problem = pathProblem(param.key); !problem.empty())
            return yaml.errorAt(yaml.locate(param.keyNode),
                fmt::format("parameter path '{}' {} (write paths like 'cutoff' or 'env/attack')", param.key, problem));
        if (param.value.IsMap())
            return yaml.errorAt(yaml.locate(param),
                fmt::format(
                    "'{}' must be a number, got a map (write nested parameters as one path, like '{}/attack: 0.1')",
                    param.key, param.key));
        auto value = yaml.number(param);
        if (!value)
            return value.error();
        params.push_back(DspParamSpec { param.key, *value, yaml.locate(param.keyNode) });
    }
    return params;
}

} // namespace backline::session
