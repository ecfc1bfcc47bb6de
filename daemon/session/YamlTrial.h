// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <string>

/// yaml-cpp 0.7 (Debian 12's) never returns from some invalid texts: it allocates until memory
/// runs out. precheckYaml refuses the shapes the fuzzer has found, with their position; this is
/// the backstop for shapes nobody has found yet: the text is parsed first in a forked child
/// under a time limit, so a runaway costs a child, not the daemon or the show.
namespace backline::session {

enum class YamlTrial {
    Parses,     ///< the child parsed it
    Throws,     ///< yaml-cpp reports an error (the real parse will say which)
    RunsAway,   ///< the child did not finish in time (or died): refuse the text
    NotTried,   ///< no child could be made (fork failed): parse directly, unguarded
};

/// [control] Parses text with yaml-cpp in a child process, which is killed after limit
/// (NotTried while the trial is switched off).
YamlTrial tryYamlInChild(const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds(2));

/// [start-up] Switches the trial on (the default) or off. Only the session fuzzer turns it
/// off: a fork per input makes it twenty times slower, and finding the texts that run away
/// (for precheckYaml to learn) is what it is for.
void enableYamlTrial(bool on);

} // namespace backline::session
