// SPDX-License-Identifier: GPL-3.0-or-later
// A session's text parsed into its one YAML document, guarded against yaml-cpp's runaways ([control]).
#include "session/YamlDocument.h"

#include "session/YamlPrecheck.h"
#include "session/YamlTrial.h"

#include <fmt/format.h>

#include <sstream>
#include <vector>

namespace backline::session {

namespace {

/// Whether the indentation of line `line` (0-based) or the one before it holds a tab: YAML
/// forbids tabs there, and yaml-cpp's message for it ("illegal block entry") does not say so.
bool tabIndentNear(const std::string& text, int line)
{
    std::istringstream lines(text);
    std::string current;
    for (int i = 0; i <= line && std::getline(lines, current); ++i) {
        if (i < line - 1)
            continue;
        const std::size_t content = current.find_first_not_of(" \t");
        if (current.substr(0, content).find('\t') != std::string::npos)
            return true;
    }
    return false;
}

} // namespace

Result<YAML::Node> parseYamlDocument(const std::string& text, const YamlReader& yaml)
{
    // yaml-cpp 0.7 never returns from some invalid texts (found by tests/fuzz): refuse them first.
    if (const auto problem = precheckYaml(text))
        return yaml.errorAt(SourceLocation { yaml.file(), problem->at.line, problem->at.column }, problem->message);
    // The shapes not known yet: a helper process tries first, so a runaway cannot take the
    // daemon down (and starting it costs the audio thread nothing: YamlTrial.h).
    if (tryYamlInChild(text) == YamlTrial::RunsAway)
        return yaml.errorAt(SourceLocation { yaml.file(), 0, 0 },
            "YAML that the parser (yaml-cpp) cannot finish reading: it ran on without an end (for seconds, or "
            "through hundreds of megabytes). "
            "Look for a stray ',', a '!' or a '? ' outside quotes, or a control character, and please report "
            "the file: backline refuses it before parsing once its shape is known");
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        const SourceLocation where = e.mark.is_null()
            ? SourceLocation { yaml.file(), 0, 0 }
            : SourceLocation { yaml.file(), e.mark.line + 1, e.mark.column + 1 };
        const bool tabs = !e.mark.is_null() && tabIndentNear(text, e.mark.line);
        return yaml.errorAt(where,
            fmt::format(
                "YAML syntax error: {}{}", e.msg, tabs ? " (indent with spaces: YAML does not allow tabs)" : ""));
    }
    if (documents.empty() || documents.front().IsNull())
        return YAML::Node(YAML::NodeType::Null);
    if (documents.size() > 1)
        return yaml.errorAt(yaml.locate(documents[1]),
            "a session file holds one YAML document; remove this second one (or the '---' before it)");
    return documents.front();
}

} // namespace backline::session
