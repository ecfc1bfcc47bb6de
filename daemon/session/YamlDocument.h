// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "session/YamlReader.h"

#include <yaml-cpp/yaml.h>

#include <string>

/// Internal to the session library: the edge where a session's text meets yaml-cpp ([control]).
namespace backline::session {

/// The one YAML document of a session's text, or a Null node when the text holds none. Syntax
/// errors, texts yaml-cpp would never finish (YamlPrecheck.h, YamlTrial.h) and a second
/// document are errors at their file:line:column. yaml-cpp's exceptions stop here.
Result<YAML::Node> parseYamlDocument(const std::string& text, const YamlReader& yaml);

} // namespace backline::session
