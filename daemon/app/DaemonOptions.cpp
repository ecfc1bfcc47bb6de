// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/DaemonOptions.h"

#include "app/Version.h"
#include "core/Config.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

namespace backline::app {

ParsedOptions parseOptions(int argc, char** argv)
{
    DaemonOptions options;
    CLI::App cli {"backlined: live-performance audio engine (JACK, Faust, OSC)", "backlined"};
    cli.set_version_flag("--version", std::string("backlined ") + version);
    std::string session, render, song, cacheDir;
    int oscPort = 0;
    cli.add_option("--session,-s", session,
        "Session file (YAML) to run (required, but under a session manager, NSM_URL, where it is what a new "
        "session starts from)");
    cli.add_option("--jack-server", options.jackServer, "JACK server name (default: JACK's default server)");
    cli.add_option("--client-name", options.clientName, "JACK client name")->capture_default_str();
    auto* portOption = cli.add_option("--osc-port", oscPort, "UDP port for OSC (overrides the session's osc.port)")
                           ->check(CLI::Range(1, 65535));
    int webPort = 0;
    auto* webPortOption = cli.add_option("--web-port", webPort,
                                  "TCP port of the web surface (overrides the session's web.port; 0: any free port, "
                                  "named in the log)")
                              ->check(CLI::Range(0, 65535));
    std::string webRoot;
    auto* webRootOption = cli.add_option("--web-root", webRoot,
        "Serve the web page from this folder instead of the files built into backlined")->check(CLI::ExistingDirectory);
    auto* renderOption = cli.add_option("--render", render,
        "Render offline to this audio file (.wav .w64 .caf .flac .aiff) instead of running live; needs no JACK");
    double duration = 0.0;
    auto* durationOption = cli.add_option("--duration", duration,
                                   "Seconds to render with --render (default 10; with --song, the song's own length)")
                               ->check(CLI::PositiveNumber);
    auto* songOption = cli.add_option("--song", song,
                               "With --render: cue this song and render it through its sections to its end, as "
                               "live (scene changes on the same samples)")
                           ->needs(renderOption);
    cli.add_option("--tail", options.tail,
           "With --song and no --duration: seconds rendered after the song's end (reverb and echo tails)")
        ->check(CLI::Range(0.0, 600.0))
        ->capture_default_str()
        ->needs(songOption)
        ->excludes(durationOption);
    int workers = 0;
    auto* workersOption = cli.add_option("--workers", workers,
                                  "Threads that run the mix, the audio thread included (overrides the session's "
                                  "workers; default: one per core, live only when JACK runs real-time)")
                              ->check(CLI::Range(1, config::maxWorkers));
    std::string waitJack;
    auto* waitJackOption = cli.add_option("--wait-jack", waitJack,
                                  "Wait for the JACK server to come up instead of exiting (code 3) when it is not "
                                  "running yet: for up to SECONDS, or without SECONDS for as long as it takes")
                              ->expected(0, 1)
                              ->type_name("[SECONDS]")
                              ->check(CLI::NonNegativeNumber);
    cli.add_option("--cache-dir", cacheDir, "Where compiled Faust machine code is cached (default ~/.cache/backline/faust)");
    cli.add_flag("--no-cache", options.noCache, "Compile every .dsp afresh, without the machine-code cache");
    bool noLiveState = false;
    cli.add_flag("--no-live-state", noLiveState,
        "Start from the session file every time: do not keep the live state (values, scene, song, tempo) in its file, "
        "nor come back to it after a restart");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return ParsedOptions {std::nullopt, cli.exit(e)};
    }
    if (session.empty() && !std::getenv("NSM_URL")) {
        std::cerr << "--session is required\nRun with --help for more information.\n";
        return ParsedOptions {std::nullopt, int(CLI::ExitCodes::RequiredError)};
    }
    options.session = session;
    if (portOption->count())
        options.oscPort = oscPort;
    if (webPortOption->count())
        options.webPort = webPort;
    if (webRootOption->count())
        options.webRoot = webRoot;
    if (renderOption->count())
        options.render = render;
    if (durationOption->count())
        options.duration = duration;
    if (songOption->count())
        options.song = song;
    if (workersOption->count())
        options.workers = workers;
    if (waitJackOption->count())
        options.waitJack = waitJack.empty() ? 0.0 : std::stod(waitJack);
    options.cacheDir = cacheDir;
    options.liveState = !noLiveState;
    options.commandLine.assign(argv, argv + argc);
    return ParsedOptions {options, 0};
}

} // namespace backline::app
