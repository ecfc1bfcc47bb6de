// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace backline::app {

/// How long an offline render lasts when neither --duration nor --song says.
inline constexpr double defaultRenderSeconds = 10.0;

/// Everything the command line says, parsed once.
struct DaemonOptions {
    std::filesystem::path session;
    std::string jackServer;           ///< empty: JACK's default server
    std::string clientName = "backline";
    std::optional<int> oscPort;       ///< overrides the session's osc.port
    std::optional<int> webPort;       ///< overrides the session's web.port (0: any free port)
    std::optional<std::filesystem::path> webRoot; ///< the web page's files; none: those built in
    std::optional<std::filesystem::path> render; ///< offline: write the master output here
    std::optional<double> duration;   ///< offline: seconds to render; none: 10, or with song its own length
    std::optional<std::string> song;  ///< offline: render this song through the arrangement
    double tail = 2.0;                ///< offline, song's own length: seconds rendered after its end
    std::optional<int> workers;       ///< overrides the session's workers
    /// --wait-jack: wait for a JACK server that is not up yet, this many seconds (0: for as long
    /// as it takes) instead of exiting with JackUnavailable at once.
    std::optional<double> waitJack;
    std::filesystem::path cacheDir;   ///< Faust machine-code cache; empty: the default
    /// --no-live-state: neither keep the live state in its file nor come back to it at start
    /// (an installation that must always start from the session file).
    bool liveState = true;
    /// The command line as given (argv[0] first): what the daemon starts again with when it
    /// must (a JACK library stuck for good).
    std::vector<std::string> commandLine;
    bool noCache = false;
};

/// What parseOptions decided: run with options, or exit with a code (after --help, --version
/// or a usage error, whose text has been printed).
struct ParsedOptions {
    std::optional<DaemonOptions> options;
    int exitCode = 0;
};

/// [main] Parses argv; prints help, version or usage errors itself.
ParsedOptions parseOptions(int argc, char** argv);

} // namespace backline::app
