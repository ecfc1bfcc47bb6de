// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

/// yaml-cpp 0.7 (Debian 12's) never returns from some invalid texts: it allocates until memory
/// runs out. precheckYaml refuses the shapes the fuzzer has found, with their position; this is
/// the backstop for shapes nobody has found yet: the text is parsed first by a helper process
/// (backline-yaml-trial) under a time limit, so a runaway costs the helper, not the daemon or
/// the show.
///
/// The helper is started with posix_spawn (glibc: clone with CLONE_VM | CLONE_VFORK, then exec),
/// never with fork(): a fork copies the daemon's page tables (9.5 ms for 410 MB, longer than a
/// period) and leaves every page the audio thread writes copy-on-write, so the audio thread took
/// page faults and missed its deadline at every reload (issue 16).
namespace backline::session {

enum class YamlTrial {
    Parses,     ///< the helper parsed it
    Throws,     ///< yaml-cpp reports an error (the real parse will say which)
    RunsAway,   ///< the helper did not finish in time, ran out of its memory cap, or died: refuse the text
    NotTried,   ///< no helper could be started (none found, or spawn failed): parse directly, unguarded
};

/// [control] Parses text with yaml-cpp in the helper process, which is killed after limit
/// (NotTried while the trial is switched off or the helper cannot be started).
YamlTrial tryYamlInChild(const std::string& text, std::chrono::milliseconds limit = std::chrono::seconds(2));

/// [any] The helper executable the trial starts, or nullopt when none is found: next to the
/// running program (`bin/../libexec/backline/`, or the same folder), else the one this build
/// made. Looked up once.
const std::optional<std::filesystem::path>& yamlTrialHelper();

/// [start-up] Switches the trial on (the default) or off. Only the session fuzzer turns it
/// off: a process per input makes it twenty times slower, and finding the texts that run away
/// (for precheckYaml to learn) is what it is for.
void enableYamlTrial(bool on);

} // namespace backline::session
