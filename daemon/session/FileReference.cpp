// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/FileReference.h"

#include <fmt/format.h>

#include <system_error>

namespace backline::session {

namespace fs = std::filesystem;

fs::path resolvePath(const fs::path& folder, std::string_view text)
{
    const fs::path path(text);
    return (path.is_absolute() ? path : folder / path).lexically_normal();
}

Result<fs::path> readExistingFile(
    const YamlReader& yaml, const YamlEntry& entry, const fs::path& folder, std::string_view what)
{
    auto text = yaml.text(entry);
    if (!text)
        return text.error();
    const fs::path resolved = resolvePath(folder, *text);
    std::error_code ec;
    const fs::file_status status = fs::status(resolved, ec);
    if (!fs::exists(status))
        return yaml.errorAt(
            yaml.locate(entry), fmt::format("{} '{}' not found (looked for {})", what, *text, resolved.string()));
    if (fs::is_directory(status))
        return yaml.errorAt(
            yaml.locate(entry), fmt::format("{} '{}' is a folder, not a file ({})", what, *text, resolved.string()));
    return resolved;
}

} // namespace backline::session
